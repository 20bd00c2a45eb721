package portal

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"gateway/gateway"
)

// liveClient is one row of the live panel.
type liveClient struct {
	ID        string `json:"id"`
	Protocol  string `json:"protocol"`
	Remote    string `json:"remote"`
	UserAgent string `json:"userAgent"`
	Agent     string `json:"agent"` // summarised: "Firefox on Linux"
	Since     string `json:"since"`
	Ago       string `json:"ago"`
	LastSeen  string `json:"lastSeen"`
	SeenAgo   string `json:"seenAgo"`
}

// timeLayout is how the portal writes a moment in full (in titles).
const timeLayout = "2006-01-02 15:04:05 UTC"

// pollWindow bounds each wait on the feed, so that a stream whose browser
// went away is noticed, and write deadlines are renewed.
const pollWindow = 20 * time.Second

// events streams the perspective's client list as Server-Sent Events: once
// at start, then after every attached or detached event. When this
// browser's own session ends (logout elsewhere, an admin, a timeout), it
// sends "logout" and stops.
func (h *Handler) events(q *request) {
	flusher, ok := q.w.(http.Flusher)
	if !ok {
		http.Error(q.w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ctx := q.r.Context()
	rc := http.NewResponseController(q.w)
	p := h.core.Perspective(q.session)
	q.w.Header().Set("Content-Type", "text/event-stream")
	q.w.Header().Set("X-Accel-Buffering", "no")
	q.w.WriteHeader(http.StatusOK)

	_, since, err := p.Events(ctx, ^uint64(0), 0) // start from now
	if err != nil {
		return
	}
	send := func(event string, data any) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(pollWindow + 10*time.Second))
		payload, _ := json.Marshal(data)
		if _, err := fmt.Fprintf(q.w, "event: %s\ndata: %s\n\n", event, payload); err != nil {
			return false
		}
		flusher.Flush()
		return true
	}
	sendClients := func() bool {
		clients, err := p.Clients(ctx)
		if err != nil {
			return true // the store is down for now; try on the next event
		}
		rows := make([]liveClient, len(clients))
		for i, c := range clients {
			rows[i] = liveClient{ID: c.ID, Protocol: c.Protocol, Remote: c.Remote, UserAgent: c.UserAgent, Agent: summarizeAgent(c.UserAgent),
				Since: c.AttachedAt.UTC().Format(timeLayout), Ago: ago(time.Since(c.AttachedAt)),
				LastSeen: c.LastSeen.UTC().Format(timeLayout), SeenAgo: ago(time.Since(c.LastSeen))}
		}
		return send("clients", rows)
	}
	if !sendClients() {
		return
	}
	for ctx.Err() == nil {
		evs, next, err := p.Events(ctx, since, pollWindow)
		if err != nil {
			return
		}
		since = next
		changed := false
		for _, ev := range evs {
			if ev.Kind == gateway.EventDetached && ev.Client.ID == q.session.Client.ID {
				send("logout", map[string]string{"reason": string(ev.Reason)})
				return
			}
			changed = changed || ev.Kind == gateway.EventAttached || ev.Kind == gateway.EventDetached
		}
		if changed {
			if !sendClients() {
				return
			}
		} else if len(evs) == 0 {
			// A comment line keeps proxies from closing an idle stream.
			_ = rc.SetWriteDeadline(time.Now().Add(pollWindow + 10*time.Second))
			if _, err := fmt.Fprint(q.w, ": keep-alive\n\n"); err != nil {
				return
			}
			flusher.Flush()
		}
	}
}
