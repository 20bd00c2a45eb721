//go:build unix

package fastserve

import (
	"io"
	"net"
	"syscall"
)

// readAhead waits for c to be readable with no buffer, reads what has
// arrived into a pooled one and hands out p's one byte from it.
func (c *conn) readAhead(p []byte) (int, error) {
	var n int
	var rerr error
	err := c.raw.Read(func(fd uintptr) bool {
		buf := aheadBuffers.Get().(*[]byte)
		for {
			n, rerr = syscall.Read(int(fd), *buf)
			if rerr != syscall.EINTR {
				break
			}
		}
		if rerr == syscall.EAGAIN {
			aheadBuffers.Put(buf) // nothing yet: wait without a buffer
			return false
		}
		if rerr != nil || n <= 0 {
			aheadBuffers.Put(buf)
			return true
		}
		c.ahead, c.off, c.end = buf, 0, n
		return true
	})
	switch {
	case err != nil: // a deadline, or the connection closed
		return 0, &net.OpError{Op: "read", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
	case rerr != nil:
		return 0, &net.OpError{Op: "read", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: rerr}
	case n == 0:
		return 0, io.EOF
	}
	return c.Read(p)
}
