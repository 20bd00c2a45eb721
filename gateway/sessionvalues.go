package gateway

import "time"

// The session service's results as neutral values, so that every front end
// (XML-RPC session.*, SOAP /soap/session, the portal) returns the same fields.

// ClientValue is {id, protocol, remote, userAgent, attachedAt}.
func ClientValue(c ClientInfo) Struct {
	return Struct{
		{Name: "id", Value: c.ID}, {Name: "protocol", Value: c.Protocol}, {Name: "remote", Value: c.Remote},
		{Name: "userAgent", Value: c.UserAgent}, {Name: "attachedAt", Value: c.AttachedAt.UTC().Truncate(time.Second)},
	}
}

// WhoAmIValue is {username, dn, displayName, groups, clients}.
func WhoAmIValue(id Identity, clients []ClientInfo) Struct {
	groups := make([]any, len(id.Groups))
	for i, g := range id.Groups {
		groups[i] = g
	}
	cl := make([]any, len(clients))
	for i, c := range clients {
		cl[i] = ClientValue(c)
	}
	return Struct{
		{Name: "username", Value: id.Username}, {Name: "dn", Value: id.DN}, {Name: "displayName", Value: id.DisplayName},
		{Name: "groups", Value: groups}, {Name: "clients", Value: cl},
	}
}

// EventValue is {seq, kind, client, at}, with reason for detached events
// and data for a service's own events.
func EventValue(ev Event) Struct {
	st := Struct{
		{Name: "seq", Value: int64(ev.Seq)}, {Name: "kind", Value: ev.Kind},
		{Name: "client", Value: ClientValue(ev.Client)}, {Name: "at", Value: ev.At.UTC().Truncate(time.Second)},
	}
	if ev.Reason != "" {
		st = append(st, Member{Name: "reason", Value: string(ev.Reason)})
	}
	if ev.Data != nil {
		st = append(st, Member{Name: "data", Value: ev.Data})
	}
	return st
}

// EventsValue is {next, events}.
func EventsValue(evs []Event, next uint64) Struct {
	list := make([]any, len(evs))
	for i, ev := range evs {
		list[i] = EventValue(ev)
	}
	return Struct{{Name: "next", Value: int64(next)}, {Name: "events", Value: list}}
}

// LoginValue is {token, username, expires}.
func LoginValue(token string, s *Session) Struct {
	return Struct{
		{Name: "token", Value: token},
		{Name: "username", Value: s.Identity.Username},
		{Name: "expires", Value: s.ExpiresAt().UTC().Truncate(time.Second)},
	}
}
