//go:build !unix

package fastserve

// readAhead is a plain read where the socket cannot be read without a
// buffer (see conn).
func (c *conn) readAhead(p []byte) (int, error) { return c.Conn.Read(p) }
