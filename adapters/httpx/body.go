package httpx

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// chunkingBuffer is net/http's bufferBeforeChunkingSize: a handler that
// writes less than this in all, without flushing, gets its Content-Length
// computed by net/http.
const chunkingBuffer = 2048

// WriteBody writes a whole response. contentType is a one-value slice the
// caller keeps and shares between responses (net/http only reads header
// values), so that the hot path allocates no header of its own; a body
// under net/http's chunking buffer gets its Content-Length from net/http.
func WriteBody(w http.ResponseWriter, status int, contentType []string, body []byte) {
	h := w.Header()
	h["Content-Type"] = contentType
	if len(body) >= chunkingBuffer {
		h["Content-Length"] = []string{strconv.Itoa(len(body))}
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// MediaType is the media type of a Content-Type value, lower-cased,
// without its parameters: the cheap check of the call path (mime's parser
// builds a map of the parameters).
func MediaType(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(mt)
	for i := 0; i < len(mt); i++ {
		if 'A' <= mt[i] && mt[i] <= 'Z' {
			return strings.ToLower(mt)
		}
	}
	return mt
}

// ReadBody reads r's whole body into buf (reusing its capacity) and returns
// it. A body whose length is declared is read in one go, without the
// second read that finds the end; others are read to EOF. The caller
// bounds the size (LimitBody).
func ReadBody(r *http.Request, buf []byte) ([]byte, error) {
	if n := r.ContentLength; n > 0 && n <= int64(cap(buf)) {
		buf = buf[:n]
		_, err := io.ReadFull(r.Body, buf) // less than declared: io.ErrUnexpectedEOF
		return buf, err
	}
	b := bytes.NewBuffer(buf[:0])
	_, err := b.ReadFrom(r.Body)
	return b.Bytes(), err
}

// HeaderValue is the first value of r's header named by canonicalKey,
// which must be in the canonical form (textproto.CanonicalMIMEHeaderKey):
// Header.Get canonicalises its key on every call, and the call path reads
// a few fixed headers on every request.
func HeaderValue(r *http.Request, canonicalKey string) string {
	if v := r.Header[canonicalKey]; len(v) > 0 {
		return v[0]
	}
	return ""
}
