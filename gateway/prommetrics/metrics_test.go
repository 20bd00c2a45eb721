package prommetrics

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"gateway/gateway"
)

// TestObserveCall: calls counted from many goroutines at once, while the
// cache of label sets grows under them, each land on their own labels:
// the request counter by operation and outcome, the latency histogram by
// protocol and service.
func TestObserveCall(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	ops := []string{"GetItem", "ListItems", "Reserve"}
	failure := gateway.NewFault(gateway.FaultInvalidParams, "bad")
	const goroutines, calls = 8, 300
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range calls {
				var err error
				if (g+i)%3 == 0 {
					err = failure
				}
				m.ObserveCall("xmlrpc", "inventory", ops[i%len(ops)], err, time.Millisecond)
			}
		})
	}
	wg.Wait()
	m.ObserveCall("soap", "inventory", "GetItem", errors.New("plain"), time.Millisecond)
	var total float64
	for _, op := range ops {
		for _, outcome := range []string{"ok", gateway.FaultInvalidParams.String()} {
			n := testutil.ToFloat64(m.requests.WithLabelValues("xmlrpc", "inventory", op, outcome))
			if n == 0 {
				t.Errorf("%s %s: not counted", op, outcome)
			}
			total += n
		}
	}
	if total != goroutines*calls {
		t.Errorf("%v calls counted, want %d", total, goroutines*calls)
	}
	if n := testutil.ToFloat64(m.requests.WithLabelValues("soap", "inventory", "GetItem", gateway.FaultInternal.String())); n != 1 {
		t.Errorf("a plain error counted %v times as Internal, want 1", n)
	}
	if n := testutil.CollectAndCount(m.latency); n != 2 {
		t.Errorf("%d latency series, want 2 (one per protocol and service)", n)
	}
	h, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range h {
		if f.GetName() != "gateway_request_duration_seconds" {
			continue
		}
		for _, s := range f.GetMetric() {
			if got, want := s.GetHistogram().GetSampleCount(), map[bool]uint64{true: goroutines * calls, false: 1}[s.GetLabel()[0].GetValue() == "xmlrpc"]; got != want {
				t.Errorf("%v: %d observations, want %d", s.GetLabel(), got, want)
			}
		}
	}
}

// BenchmarkObserveCall is one call's counting, its labels cached.
func BenchmarkObserveCall(b *testing.B) {
	m := New(nil)
	for _, op := range []string{"GetItem", "ListItems", "Reserve", "MyReservations", "CancelReservation"} {
		m.ObserveCall(gateway.ProtocolSOAP, "inventory", op, nil, time.Millisecond)
		m.ObserveCall(gateway.ProtocolXMLRPC, "inventory", op, nil, time.Millisecond)
	}
	for b.Loop() {
		m.ObserveCall(gateway.ProtocolXMLRPC, "inventory", "GetItem", nil, time.Millisecond)
	}
}
