package gateway

import (
	"context"
	"fmt"

	"gateway/wsdl"
)

// Implementation carries out a service's operations: a Go implementation
// registered by name, or a backend that forwards to an upstream.
type Implementation interface {
	Invoke(ctx context.Context, call *Call) (Struct, error)
}

// ClientHooks is implemented by implementations that want to hear of clients
// attaching to and detaching from perspectives (cred's attached/detached).
type ClientHooks interface {
	Attached(ctx context.Context, p *Perspective, c ClientInfo)
	Detached(ctx context.Context, p *Perspective, c ClientInfo, reason DetachReason)
}

// Call is one invocation of an operation, with its checked parameters.
type Call struct {
	Service     *Service
	Operation   *wsdl.Operation
	Params      Struct
	Headers     Struct // the operation's declared SOAP header values, by element name (checked)
	Perspective *Perspective
	Client      ClientInfo
}

// Service is a set of operations defined by one WSDL.
type Service struct {
	Name        string
	Definition  *wsdl.Definition
	AllowGroups []string // empty: any authenticated user
	Impl        Implementation
}

// Registry holds the published services. It never changes once built, so
// it needs no lock: a reload builds a new one (Core.Reconfigure).
type Registry struct {
	byName map[string]*Service
	order  []*Service
}

// NewRegistry checks and indexes services.
func NewRegistry(services ...*Service) (*Registry, error) {
	r := &Registry{byName: make(map[string]*Service)}
	for _, s := range services {
		switch {
		case s.Name == "" || s.Name == "session" || s.Name == "system":
			return nil, fmt.Errorf("service name %q is reserved or empty", s.Name)
		case r.byName[s.Name] != nil:
			return nil, fmt.Errorf("service %q is defined twice", s.Name)
		case s.Definition == nil || s.Impl == nil:
			return nil, fmt.Errorf("service %q has no definition or implementation", s.Name)
		}
		r.byName[s.Name] = s
		r.order = append(r.order, s)
	}
	return r, nil
}

// Service returns the service called name, or nil.
func (r *Registry) Service(name string) *Service { return r.byName[name] }

// Services lists the services in configuration order.
func (r *Registry) Services() []*Service { return r.order }

// Lookup finds an operation, or a NoSuchMethod fault.
func (r *Registry) Lookup(service, operation string) (*Service, *wsdl.Operation, error) {
	s := r.byName[service]
	if s == nil {
		return nil, nil, NewFault(FaultNoSuchMethod, "no such service %q", service)
	}
	op := s.Definition.Operation(operation)
	if op == nil {
		return nil, nil, NewFault(FaultNoSuchMethod, "service %q has no operation %q", service, operation)
	}
	return s, op, nil
}
