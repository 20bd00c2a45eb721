// Package prommetrics is the gateway's Prometheus metrics: the core's
// gateway.Metrics, and the attached clients read from the session store.
package prommetrics

import (
	"context"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gateway/gateway"
)

// Metrics are the gateway's Prometheus metrics. The core counts logins and
// events; front ends count calls with ObserveCall.
type Metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	logins   *prometheus.CounterVec
	events   *prometheus.CounterVec

	// calls caches each (protocol, service, operation, outcome)'s counter
	// and histogram: resolving label values costs more than the count. Its
	// keys are the services' declared operations and the fault kinds, so
	// it is bounded by the configuration. It is copied on write (a new key
	// is rare after the first calls), so that a call reads a plain map,
	// without a lock. It is keyed by the operation alone, whose few
	// entries (a protocol and outcome each) are then compared: hashing one
	// string costs a call less than hashing four, and the strings compared
	// are mostly the very ones cached (the front ends pass the services'
	// and operations' own names), which compare by their pointers.
	calls   atomic.Pointer[map[string][]callEntry]
	callsMu sync.Mutex // serialises the copies
}

type callEntry struct {
	protocol, service, outcome string
	*callMetrics
}

type callMetrics struct {
	requests prometheus.Counter
	latency  prometheus.Observer
}

var _ gateway.Metrics = (*Metrics)(nil)

// New registers the metrics with reg (nil: a private registry, for tests
// and tools that do not export them).
func New(reg prometheus.Registerer) *Metrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gateway_requests_total", Help: "Calls by protocol, service, operation and outcome (ok or the fault kind).",
		}, []string{"protocol", "service", "operation", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gateway_request_duration_seconds", Help: "Call latency by protocol and service.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"protocol", "service"}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gateway_logins_total", Help: "Logins by outcome: success, unauthenticated, unavailable, throttled.",
		}, []string{"outcome"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gateway_events_published_total", Help: "Perspective events published by this node, by kind.",
		}, []string{"kind"}),
	}
	m.calls.Store(&map[string][]callEntry{})
	reg.MustRegister(m.requests, m.latency, m.logins, m.events)
	return m
}

// ObserveCall counts one call; err nil is outcome "ok".
func (m *Metrics) ObserveCall(protocol, service, operation string, err error, took time.Duration) {
	outcome := "ok"
	if err != nil {
		outcome = gateway.AsFault(err).Kind.String()
	}
	cm := m.call(protocol, service, operation, outcome)
	cm.requests.Inc()
	cm.latency.Observe(took.Seconds())
}

// call is the counter and histogram of one call's labels, from the cache.
func (m *Metrics) call(protocol, service, operation, outcome string) *callMetrics {
	if cm := find((*m.calls.Load())[operation], protocol, service, outcome); cm != nil {
		return cm
	}
	return m.addCall(protocol, service, operation, outcome)
}

// find is the entry of an operation's entries with these labels, or nil.
func find(entries []callEntry, protocol, service, outcome string) *callMetrics {
	for _, e := range entries {
		if e.outcome == outcome && e.protocol == protocol && e.service == service {
			return e.callMetrics
		}
	}
	return nil
}

// addCall resolves a call's counter and histogram and publishes a copy of
// the cache that holds them.
func (m *Metrics) addCall(protocol, service, operation, outcome string) *callMetrics {
	m.callsMu.Lock()
	defer m.callsMu.Unlock()
	old := *m.calls.Load()
	if cm := find(old[operation], protocol, service, outcome); cm != nil {
		return cm // added by another call meanwhile
	}
	cm := &callMetrics{
		requests: m.requests.WithLabelValues(protocol, service, operation, outcome),
		latency:  m.latency.WithLabelValues(protocol, service),
	}
	calls := maps.Clone(old)
	calls[operation] = append(old[operation][:len(old[operation]):len(old[operation])], callEntry{protocol, service, outcome, cm})
	m.calls.Store(&calls)
	return cm
}

// Login implements gateway.Metrics.
func (m *Metrics) Login(outcome string) { m.logins.WithLabelValues(outcome).Inc() }

// Event implements gateway.Metrics.
func (m *Metrics) Event(kind string) { m.events.WithLabelValues(kind).Inc() }

// RegisterSessionGauges exports the live sessions and attached clients by
// protocol, read from the store at each scrape (cached for 5 s).
func RegisterSessionGauges(reg prometheus.Registerer, c *gateway.Core) {
	reg.MustRegister(&sessionCollector{core: c, desc: prometheus.NewDesc("gateway_attached_clients",
		"Live sessions (attached clients) by protocol, across every node sharing the store.", []string{"protocol"}, nil)})
}

type sessionCollector struct {
	mu     sync.Mutex // Collect may run concurrently
	core   *gateway.Core
	desc   *prometheus.Desc
	at     time.Time
	counts map[string]int
}

func (s *sessionCollector) Describe(ch chan<- *prometheus.Desc) { ch <- s.desc }

func (s *sessionCollector) Collect(ch chan<- prometheus.Metric) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Since(s.at) > 5*time.Second {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		all, err := s.core.Sessions(ctx)
		if err != nil {
			return
		}
		s.counts = map[string]int{gateway.ProtocolXMLRPC: 0, gateway.ProtocolSOAP: 0, gateway.ProtocolPortal: 0}
		for _, sess := range all {
			s.counts[sess.Client.Protocol]++
		}
		s.at = time.Now()
	}
	for p, n := range s.counts {
		ch <- prometheus.MustNewConstMetric(s.desc, prometheus.GaugeValue, float64(n), p)
	}
}
