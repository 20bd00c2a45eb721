package fastserve

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// listener wraps each accepted connection in a conn.
type listener struct{ net.Listener }

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	wrapped := &conn{Conn: c}
	if tc, ok := c.(*net.TCPConn); ok {
		wrapped.raw, _ = tc.SyscallConn()
	}
	return wrapped, nil
}

// conn is an accepted connection with two additions.
//
// Read ahead. So that an idle keep-alive connection holds no read buffer,
// fasthttp (with ReduceMemoryUsage) waits for each request's first byte
// with a read of one byte, and then reads the rest: two system calls where
// one would do, about 2-3 µs of a call's 30 (measured under wrk, side by
// side). Here a read of one byte waits for the socket to be readable
// without any buffer, then reads what has arrived into a pooled buffer and
// hands it out from there: one read per request again, and still no
// buffer held by an idle connection.
//
// Linger. A request refused before its body was read (too large, a bad
// header) is answered, and then the connection closes with the rest of the
// body still coming: closed at once, the kernel would answer those bytes
// with a reset, and the client would lose the answer (Go's client reports
// "connection reset" instead of the 413). So such a connection's close
// first shuts its writing half and reads what still comes for a moment, as
// net/http does for the same answers.
type conn struct {
	net.Conn
	raw      syscall.RawConn // nil: reads go straight to Conn
	ahead    *[]byte         // bytes read ahead, [off:end] not handed out yet
	off, end int
	linger   atomic.Bool
}

const (
	aheadSize = 4 << 10 // a typical API request whole
	lingerFor = 500 * time.Millisecond
)

var aheadBuffers = sync.Pool{New: func() any { b := make([]byte, aheadSize); return &b }}

func (c *conn) Read(p []byte) (int, error) {
	if c.ahead != nil {
		n := copy(p, (*c.ahead)[c.off:c.end])
		c.off += n
		if c.off == c.end {
			c.dropAhead()
		}
		return n, nil
	}
	if len(p) != 1 || c.raw == nil {
		return c.Conn.Read(p)
	}
	return c.readAhead(p)
}

func (c *conn) dropAhead() {
	aheadBuffers.Put(c.ahead)
	c.ahead, c.off, c.end = nil, 0, 0
}

func (c *conn) Close() error {
	if c.ahead != nil {
		c.dropAhead()
	}
	if c.linger.Load() {
		if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok && cw.CloseWrite() == nil {
			_ = c.Conn.SetReadDeadline(time.Now().Add(lingerFor))
			_, _ = io.Copy(io.Discard, c.Conn)
		}
	}
	return c.Conn.Close()
}

// lingerOnClose marks c (or the connection under its TLS) to linger.
func lingerOnClose(c net.Conn) {
	if t, ok := c.(interface{ NetConn() net.Conn }); ok {
		c = t.NetConn()
	}
	if lc, ok := c.(*conn); ok {
		lc.linger.Store(true)
	}
}
