package gateway

import "time"

// Metrics is where the core and the front ends count what happens; the
// gateway exports them with gateway/prommetrics. NopMetrics counts
// nothing.
type Metrics interface {
	// ObserveCall counts one call of an operation; err nil is outcome "ok".
	ObserveCall(protocol, service, operation string, err error, took time.Duration)
	// Login counts a login by outcome: success, unauthenticated,
	// unavailable, throttled.
	Login(outcome string)
	// Event counts a perspective event this node published, by kind.
	Event(kind string)
}

// NopMetrics counts nothing.
type NopMetrics struct{}

func (NopMetrics) ObserveCall(string, string, string, error, time.Duration) {}
func (NopMetrics) Login(string)                                             {}
func (NopMetrics) Event(string)                                             {}
