package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	nextRE   = regexp.MustCompile(`<name>next</name><value><int>(\d+)</int>`)
	eventsRE = regexp.MustCompile(`<name>kind</name><value><string>(attached|detached)</string>`)
	tokenRE  = regexp.MustCompile(`<name>token</name><value><string>([^<]+)`)
)

// rawClient speaks HTTP/1.1 over one kept-alive connection with as little
// work as it can, so that with a thousand of them on the gateway's two
// cores the measurement is the gateway's time, not the client's: the
// request is one write, and an answer's arrival is the moment its first
// bytes can be read, before any parsing.
type rawClient struct {
	conn net.Conn
	br   *bufio.Reader
	host string
}

func dialRaw(base string) (*rawClient, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		return nil, err
	}
	return &rawClient{conn: c, br: bufio.NewReaderSize(c, 16<<10), host: u.Host}, nil
}

// call POSTs body to /xmlrpc and returns the answer and its arrival.
func (c *rawClient) call(token, body string) (string, time.Time, error) {
	arrived, err := c.send(token, body)
	if err != nil {
		return "", arrived, err
	}
	out, err := c.read()
	return out, arrived, err
}

// send writes the request and waits for the answer's first bytes.
func (c *rawClient) send(token, body string) (time.Time, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "POST /xmlrpc HTTP/1.1\r\nHost: %s\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n", c.host, len(body))
	if token != "" {
		fmt.Fprintf(&b, "X-Gateway-Session: %s\r\n", token)
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	if _, err := io.WriteString(c.conn, b.String()); err != nil {
		return time.Time{}, err
	}
	if _, err := c.br.Peek(1); err != nil {
		return time.Time{}, err
	}
	return time.Now(), nil
}

// read parses the answer whose first bytes send waited for.
func (c *rawClient) read() (string, error) {
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return string(out), err
}

func loginBody(user, password string) string {
	return fmt.Sprintf(`<methodCall><methodName>session.login</methodName><params><param><value>%s</value></param><param><value>%s</value></param></params></methodCall>`, user, password)
}

func eventsBody(since, wait int) string {
	return fmt.Sprintf(`<methodCall><methodName>session.events</methodName><params><param><value><int>%d</int></value></param><param><value><int>%d</int></value></param></params></methodCall>`, since, wait)
}

// loginRaw logs c in and returns the token.
func (c *rawClient) login(user, password string) (string, error) {
	out, _, err := c.call("", loginBody(user, password))
	if err != nil {
		return "", err
	}
	m := tokenRE.FindStringSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("login: %.200s", out)
	}
	return m[1], nil
}

// next is the sequence number after token's perspective's newest event.
func (c *rawClient) next(token string) (int, error) {
	out, _, err := c.call(token, eventsBody(0, 0))
	if err != nil {
		return 0, err
	}
	m := nextRE.FindStringSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("events: %.200s", out)
	}
	return strconv.Atoi(m[1])
}

// latency is a distribution's median and 99th percentile.
type latency struct{ p50, p99 time.Duration }

func percentiles(samples []time.Duration) latency {
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	return latency{samples[len(samples)/2], samples[len(samples)*99/100]}
}

// longPollLatency is scenario 5: bob's client long-polls session.events
// while parked long-polls of other users (alice and carol, each on its own
// connection) wait beside it; another client of bob's logs in and out,
// rounds times. It measures the time to the watcher's event from the
// login's answer (the event usually arrives first: 0) and from the login's
// request (which includes the directory's bind).
func longPollLatency(base string, parked, rounds int) (fromAnswer, fromRequest latency, err error) {
	stop := make(chan struct{})
	var parkedWG sync.WaitGroup
	defer func() { close(stop); parkedWG.Wait() }()
	for i := 0; i < parked; i++ {
		c, err := dialRaw(base)
		if err != nil {
			return latency{}, latency{}, err
		}
		user, password := "alice", "wonderland"
		if i%2 == 1 {
			user, password = "carol", "carol-pass"
		}
		token, err := c.login(user, password) // one at a time: a directory is not what is measured
		if err != nil {
			return latency{}, latency{}, err
		}
		since, err := c.next(token)
		if err != nil {
			return latency{}, latency{}, err
		}
		parkedWG.Add(1)
		go func() {
			defer parkedWG.Done()
			for {
				// Once the other parked clients have logged in, nothing
				// happens to alice or carol: each poll waits its 25 s, until
				// stop closes the connection.
				out, _, err := c.call(token, eventsBody(since, 25))
				if err != nil {
					return
				}
				if m := nextRE.FindStringSubmatch(out); m != nil {
					since, _ = strconv.Atoi(m[1])
				}
			}
		}()
		go func() { <-stop; c.conn.Close() }()
	}
	watcher, err := dialRaw(base)
	if err != nil {
		return latency{}, latency{}, err
	}
	defer watcher.conn.Close()
	control, err := dialRaw(base)
	if err != nil {
		return latency{}, latency{}, err
	}
	defer control.conn.Close()
	token, err := watcher.login("bob", "builder")
	if err != nil {
		return latency{}, latency{}, err
	}
	var samples, fromStart []time.Duration
	for r := 0; r < rounds; r++ {
		since, err := watcher.next(token)
		if err != nil {
			return latency{}, latency{}, err
		}
		type answer struct {
			at  time.Time
			out string
			err error
		}
		got := make(chan answer, 1)
		go func() {
			at, err := watcher.send(token, eventsBody(since, 20))
			var out string
			if err == nil {
				out, err = watcher.read()
			}
			got <- answer{at, out, err}
		}()
		time.Sleep(20 * time.Millisecond) // the watcher is parked
		start := time.Now()
		other, err := control.login("bob", "builder")
		sentAt := time.Now()
		if err != nil {
			return latency{}, latency{}, err
		}
		a := <-got
		if a.err == nil && len(eventsRE.FindAllString(a.out, -1)) == 0 {
			a.err = fmt.Errorf("the long-poll ended without the event: %.200s", a.out)
		}
		if a.err != nil {
			return latency{}, latency{}, a.err
		}
		samples = append(samples, max(a.at.Sub(sentAt), 0))
		fromStart = append(fromStart, a.at.Sub(start))
		if _, _, err := control.call(other, `<methodCall><methodName>session.logout</methodName></methodCall>`); err != nil {
			return latency{}, latency{}, err
		}
	}
	return percentiles(samples), percentiles(fromStart), nil
}

// fanOutLatency is scenario 5's harder cousin: waiters long-polls of one
// perspective (bob's), each on its own connection, are all woken by one
// login; the time from the login's answer to each waiter's event is
// measured. It returns p50 and p99 over every waiter and round.
func fanOutLatency(base string, waiters, rounds int) (p50, p99 time.Duration, err error) {
	loginBody := loginBody("bob", "builder")
	clients := make([]*rawClient, waiters)
	tokens := make([]string, waiters)
	for i := range clients {
		if clients[i], err = dialRaw(base); err != nil {
			return 0, 0, err
		}
		defer clients[i].conn.Close()
		if tokens[i], err = clients[i].login("bob", "builder"); err != nil {
			return 0, 0, err
		}
	}
	control, err := dialRaw(base)
	if err != nil {
		return 0, 0, err
	}
	defer control.conn.Close()
	var samples []time.Duration
	for r := 0; r < rounds; r++ {
		since, err := control.next(tokens[0])
		if err != nil {
			return 0, 0, err
		}
		// Each waiter stamps its answer's arrival, then waits for the
		// others before parsing it: the clients' own parsing, on the same
		// two cores, is not charged to the gateway's latency.
		var wg, stamped sync.WaitGroup
		arrived := make([]time.Time, waiters)
		errs := make([]error, waiters)
		stamped.Add(waiters)
		for i := range clients {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				at, err := clients[i].send(tokens[i], eventsBody(since, 20))
				arrived[i] = at
				stamped.Done()
				stamped.Wait()
				var out string
				if err == nil {
					out, err = clients[i].read()
				}
				if err == nil && len(eventsRE.FindAllString(out, -1)) == 0 {
					err = fmt.Errorf("a long-poll ended without the event: %.200s", out)
				}
				errs[i] = err
			}(i)
		}
		time.Sleep(500 * time.Millisecond) // every waiter is parked
		out, sentAt, err := control.call("", loginBody)
		if err != nil {
			return 0, 0, err
		}
		wg.Wait()
		for i, a := range arrived {
			if errs[i] != nil {
				return 0, 0, errs[i]
			}
			samples = append(samples, max(a.Sub(sentAt), 0))
		}
		if m := tokenRE.FindStringSubmatch(out); m != nil {
			if _, _, err := control.call(m[1], `<methodCall><methodName>session.logout</methodName></methodCall>`); err != nil {
				return 0, 0, err
			}
		}
	}
	l := percentiles(samples)
	return l.p50, l.p99, nil
}
