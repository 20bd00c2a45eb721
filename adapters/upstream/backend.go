package upstream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"gateway/gateway"
	"gateway/wsdl"
)

// maxResponseBytes bounds what is read from an upstream.
const maxResponseBytes = 16 << 20

// codec is one kind's wire format.
type codec interface {
	// suffix is what the call adds to the upstream URL's path.
	suffix(call *gateway.Call) string
	// body encodes call for the upstream, with its content type and any
	// extra headers.
	body(call *gateway.Call, c caller) (contentType string, header http.Header, body []byte, err error)
	// decode reads a response: the result; an application fault (a
	// *gateway.Fault, which the upstream meant); or any other error, which
	// is a failure of the upstream.
	decode(resp *http.Response, body []byte, call *gateway.Call) (result gateway.Struct, deviations []string, err error)
}

// caller is the identity sent upstream, its values encoded as the
// headers carry them.
type caller struct {
	user, groups string
	timestamp    int64
	nonce        string
}

var _ gateway.Implementation = (*Backend)(nil)

// Backend forwards a service's operations to one upstream.
type Backend struct {
	service string
	cfg     Config
	def     *wsdl.Definition
	target  *url.URL
	client  *http.Client
	slots   chan struct{}
	breaker *breaker
	secret  []byte
	codec   codec
	log     *slog.Logger
	now     func() time.Time

	deviations atomic.Int64 // answers passed on that break the WSDL's schema
}

// Deviations counts the answers passed on although they break the WSDL's
// schema (see Config.StrictResponses).
func (b *Backend) Deviations() int64 { return b.deviations.Load() }

// New makes the backend of service, defined by def. It does not contact
// the upstream: one that is down at start does not stop the gateway.
func New(service string, def *wsdl.Definition, cfg Config, log *slog.Logger) (*Backend, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.WithDefaults()
	names := make([]string, len(def.Operations))
	for i, op := range def.Operations {
		names[i] = op.Name
	}
	prefix := "services." + service + ".backend"
	if err := cfg.Validate(prefix, names); err != nil {
		return nil, err
	}
	target, _ := url.Parse(cfg.URL)
	b := &Backend{
		service: service, cfg: cfg, def: def, target: target, log: log, now: time.Now,
		slots:   make(chan struct{}, cfg.MaxInFlight),
		breaker: &breaker{threshold: cfg.Breaker.Failures, cooldown: cfg.Breaker.Cooldown, now: time.Now},
		client: &http.Client{
			Timeout: cfg.Timeout,
			Transport: &http.Transport{
				DialContext:           (&net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}).DialContext,
				MaxIdleConns:          cfg.MaxInFlight,
				MaxIdleConnsPerHost:   cfg.MaxInFlight,
				IdleConnTimeout:       90 * time.Second,
				ResponseHeaderTimeout: cfg.Timeout,
				TLSHandshakeTimeout:   cfg.Timeout,
			},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	switch {
	case cfg.IdentitySecret != "":
		b.secret = []byte(cfg.IdentitySecret)
	case cfg.SecretFile != "":
		s, err := os.ReadFile(cfg.SecretFile)
		if err != nil {
			return nil, fmt.Errorf("%s.identity_secret_file: %w", prefix, err)
		}
		b.secret = bytes.TrimRight(s, "\r\n")
	}
	switch cfg.Kind {
	case KindSOAP:
		b.codec = &soapCodec{v12: def.SOAP12Only, strict: cfg.StrictResponses, headers: cfg.Headers, to: cfg.URL}
	case KindXMLRPC:
		b.codec = &xmlrpcCodec{methods: cfg.Methods, positional: cfg.Params == "positional"}
	case KindHTTPJSON:
		b.codec = jsonCodec{}
	}
	return b, nil
}

// State is the breaker's state: closed, open or half-open.
func (b *Backend) State() string { return b.breaker.state() }

// Ready reports whether the upstream answers at all (any HTTP response).
func (b *Backend) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, min(b.cfg.Timeout, 2*time.Second))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, b.target.String(), nil)
	if err != nil {
		return err
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return fmt.Errorf("upstream of %s does not answer", b.service)
	}
	resp.Body.Close()
	return nil
}

// unavailable is the caller's fault for an upstream that failed: it names
// the service, never the upstream's URL or its error text.
func (b *Backend) unavailable(format string, args ...any) *gateway.Fault {
	return gateway.NewFault(gateway.FaultUnavailable, "upstream of service %s %s", b.service, fmt.Sprintf(format, args...))
}

// Invoke implements gateway.Implementation.
func (b *Backend) Invoke(ctx context.Context, call *gateway.Call) (gateway.Struct, error) {
	ok, trial := b.breaker.allow()
	if !ok {
		return nil, b.unavailable("is unavailable (circuit open; retry in a while)")
	}
	success := false
	defer func() { b.breaker.record(success, trial) }()

	wait, cancel := context.WithTimeout(ctx, b.cfg.Timeout)
	select {
	case b.slots <- struct{}{}:
		cancel()
	case <-wait.Done():
		cancel()
		success = true // the upstream did nothing wrong: we are busy
		return nil, gateway.NewFault(gateway.FaultTooManyRequests, "upstream of service %s is busy (max_in_flight)", b.service)
	}
	defer func() { <-b.slots }()

	attempts := 1
	if slices.Contains(b.cfg.Idempotent, call.Operation.Name) {
		attempts += *b.cfg.Retries
	}
	var err error
	var result gateway.Struct
	for attempt := 0; attempt < attempts; attempt++ {
		if attempt > 0 {
			select {
			case <-time.After(time.Duration(attempt) * 50 * time.Millisecond):
			case <-ctx.Done():
				return nil, b.unavailable("did not answer in time")
			}
		}
		result, err = b.once(ctx, call)
		var f *gateway.Fault
		if err == nil || errors.As(err, &f) && f.Kind == gateway.FaultApplication {
			success = true
			return result, err
		}
		if ctx.Err() != nil {
			break
		}
	}
	b.log.WarnContext(ctx, "upstream call failed", "service", b.service, "operation", call.Operation.Name, "err", err)
	var f *gateway.Fault
	if errors.As(err, &f) && f.Kind == gateway.FaultUnavailable {
		return nil, f
	}
	return nil, b.unavailable("failed")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded)
}

// once makes one attempt.
func (b *Backend) once(ctx context.Context, call *gateway.Call) (gateway.Struct, error) {
	id := call.Perspective.Identity
	c := caller{user: EncodeUser(id.Username), groups: EncodeGroups(id.Groups)}
	if len(b.secret) > 0 {
		c.timestamp, c.nonce = b.now().Unix(), newNonce()
	}
	u := *b.target
	if suffix := b.codec.suffix(call); suffix != "" {
		u.Path = strings.TrimRight(u.Path, "/") + suffix
	}
	ctype, header, body, err := b.codec.body(call, c)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("User-Agent", "gateway")
	if id := gateway.RequestID(ctx); id != "" {
		req.Header.Set("X-Request-ID", id) // the upstream's logs join the gateway's
	}
	req.Header.Set(HeaderUser, c.user)
	req.Header.Set(HeaderGroups, c.groups)
	if b.cfg.IdentityToken {
		aud := b.cfg.IdentityAudience
		if aud == "" {
			aud = b.cfg.URL
		}
		tok, err := b.cfg.Tokens.Token(id, aud)
		if err != nil {
			return nil, fmt.Errorf("identity token: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if len(b.secret) > 0 {
		req.Header.Set(HeaderTimestamp, strconv.FormatInt(c.timestamp, 10))
		req.Header.Set(HeaderNonce, c.nonce)
		req.Header.Set(HeaderSignature, Signature(b.secret, http.MethodPost, req.URL.EscapedPath(), c.user, c.groups, c.timestamp, c.nonce, body))
	}
	resp, err := b.client.Do(req)
	if err != nil {
		if ctx.Err() != nil || isTimeout(err) { // the context's deadline or the client's, whichever fired first
			return nil, b.unavailable("did not answer within %v", b.cfg.Timeout)
		}
		return nil, fmt.Errorf("transport: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		if ctx.Err() != nil || isTimeout(err) {
			return nil, b.unavailable("did not answer within %v", b.cfg.Timeout)
		}
		return nil, fmt.Errorf("read: %w", err)
	}
	if len(data) > maxResponseBytes {
		return nil, errors.New("response over 16 MiB")
	}
	result, deviations, err := b.codec.decode(resp, data, call)
	if err != nil {
		return nil, err
	}
	result, respHeaders := gateway.SplitHeaders(result)
	checked, more, err := gateway.CheckOutputLenient(call.Operation.Output, result, b.cfg.StrictResponses)
	if err != nil {
		return nil, b.unavailable("returned a response that does not match the WSDL: %s", gateway.AsFault(err).Message)
	}
	if deviations = append(deviations, more...); len(deviations) > 0 {
		// Strict in, lenient out: passed on, for the operator to see.
		b.deviations.Add(1)
		b.log.WarnContext(ctx, "upstream answer deviates from the WSDL; passed on", "service", b.service,
			"operation", call.Operation.Name, "deviations", strings.Join(deviations, "; "))
	}
	if len(respHeaders) > 0 {
		checked = append(checked, gateway.Member{Name: wsdl.HeadersMember, Value: respHeaders})
	}
	return checked, nil
}
