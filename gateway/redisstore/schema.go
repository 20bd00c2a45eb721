package redisstore

import (
	"encoding/json"
	"time"

	"gateway/gateway"
)

// The stored schema. What this package writes to Redis is these records,
// not the core's Go structs: their JSON names are the format, which the Lua
// scripts read too ("client"."id", "identity"."username"), so renaming a
// field of the core changes nothing that is stored, and a rolling upgrade
// reads what the other nodes wrote. Every record says its format ("v").
//
// Format 0 (before formats were numbered) is the core's structs marshalled
// as they were, Go field names as keys (TokenHash, Client.ID,
// Identity.Username). It decodes into these records as it is (encoding/json
// matches keys without regard to case, and the names are the same words),
// and the Lua scripts read either spelling.

// formatVersion is the format this package writes.
const formatVersion = 1

type storedIdentity struct {
	Username    string   `json:"username"`
	DN          string   `json:"dn"`
	DisplayName string   `json:"displayName"`
	Groups      []string `json:"groups"`
}

type storedClient struct {
	ID         string    `json:"id"`
	Protocol   string    `json:"protocol"`
	Remote     string    `json:"remote"`
	UserAgent  string    `json:"userAgent"`
	AttachedAt time.Time `json:"attachedAt"`
	// Auth was added within format 1: a record without it reads as "",
	// which the portal shows as a password login (all there were).
	Auth string `json:"auth,omitempty"`
}

type storedSession struct {
	V          int            `json:"v"`
	TokenHash  string         `json:"tokenHash"`
	Identity   storedIdentity `json:"identity"`
	Client     storedClient   `json:"client"`
	CreatedAt  time.Time      `json:"createdAt"`
	LastSeen   time.Time      `json:"lastSeen"`
	IdleExpiry time.Time      `json:"idleExpiry"`
	Deadline   time.Time      `json:"deadline"`
}

type storedMember struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

type storedEvent struct {
	V      int            `json:"v"`
	Seq    uint64         `json:"seq"`
	Kind   string         `json:"kind"`
	Client storedClient   `json:"client"`
	At     time.Time      `json:"at"`
	Reason string         `json:"reason,omitempty"`
	Data   []storedMember `json:"data,omitempty"`
}

func identityOut(id gateway.Identity) storedIdentity {
	return storedIdentity{id.Username, id.DN, id.DisplayName, id.Groups}
}

func (s storedIdentity) in() gateway.Identity {
	return gateway.Identity{Username: s.Username, DN: s.DN, DisplayName: s.DisplayName, Groups: s.Groups}
}

func clientOut(c gateway.ClientInfo) storedClient {
	return storedClient{c.ID, c.Protocol, c.Remote, c.UserAgent, c.AttachedAt, c.Auth}
}

func (c storedClient) in() gateway.ClientInfo {
	return gateway.ClientInfo{ID: c.ID, Protocol: c.Protocol, Remote: c.Remote, UserAgent: c.UserAgent, AttachedAt: c.AttachedAt, Auth: c.Auth}
}

// encodeSession is a session in the stored format.
func encodeSession(s *gateway.Session) ([]byte, error) {
	return json.Marshal(storedSession{formatVersion, s.TokenHash, identityOut(s.Identity), clientOut(s.Client),
		s.CreatedAt, s.LastSeen, s.IdleExpiry, s.Deadline})
}

// decodeSession reads a stored session of any format.
func decodeSession(data []byte) (*gateway.Session, error) {
	var r storedSession
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, err
	}
	return &gateway.Session{TokenHash: r.TokenHash, Identity: r.Identity.in(), Client: r.Client.in(),
		CreatedAt: r.CreatedAt, LastSeen: r.LastSeen, IdleExpiry: r.IdleExpiry, Deadline: r.Deadline}, nil
}

// encodeEvent is an event in the stored format.
func encodeEvent(ev gateway.Event) ([]byte, error) {
	r := storedEvent{V: formatVersion, Seq: ev.Seq, Kind: ev.Kind, Client: clientOut(ev.Client), At: ev.At, Reason: string(ev.Reason)}
	for _, m := range ev.Data {
		r.Data = append(r.Data, storedMember{m.Name, m.Value})
	}
	return json.Marshal(r)
}

// decodeEvent reads a stored event of any format.
func decodeEvent(data []byte) (gateway.Event, error) {
	var r storedEvent
	if err := json.Unmarshal(data, &r); err != nil {
		return gateway.Event{}, err
	}
	ev := gateway.Event{Seq: r.Seq, Kind: r.Kind, Client: r.Client.in(), At: r.At, Reason: gateway.DetachReason(r.Reason)}
	for _, m := range r.Data {
		ev.Data = append(ev.Data, gateway.Member{Name: m.Name, Value: m.Value})
	}
	return ev, nil
}
