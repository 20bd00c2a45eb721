package httpx

import (
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
