/*
Package gateway is the gateway's core: it logs credentials in, keeps
sessions and the perspectives they share, raises attach and detach events,
and dispatches operations of WSDL-defined services, whatever protocol a
call came by. Protocol front ends (package adapters/...) decode their wire
format into calls on a Core and encode what it returns; they know nothing
of directories or stores, and the core knows nothing of HTTP.

The design is Twisted cred's, and its words map to this package's types:

	cred                  here
	portal                Core: Login, Resume, Invoke, Detach
	checker (credentials) Authorizer, given Credentials (ldapauth is the real one)
	avatar ID             Identity: username, DN, display name, groups
	realm / avatar        Perspective: one per identity, shared by all its sessions
	mind (client object)  ClientInfo: the other side of one session
	logout                Detach, exactly once per session (Event kinds attached/detached)
	service               Service, implemented by an Implementation
	attached / detached   ClientHooks, which an Implementation may implement

A session belongs to one identity and one client; its token is random and
only its hash is kept (SessionStore: MemoryStore here, Redis in
gateway/redisstore). Every client of a user meets the same Perspective, and
each is told, through the perspective's event feed (EventLog), when another
one attaches or detaches.

A service is a WSDL and an implementation of its operations. The core
checks parameters against the WSDL's schema before the implementation sees
them and the result after:

	type Greeter struct{}

	// Greet is the WSDL's operation Greet: one method per operation.
	func (Greeter) Greet(ctx context.Context, call *gateway.Call, in gateway.Struct) (gateway.Struct, error) {
		return gateway.Struct{{Name: "greeting", Value: "Hello " + in.String("name") + ", from " + call.Perspective.Name()}}, nil
	}

	impl, err := xmlbind.Methods(def, Greeter{}) // def: the loaded WSDL
	reg, err := gateway.NewRegistry(&gateway.Service{Name: "greeter", Definition: def, Impl: impl})
	core := gateway.New(authorizer, gateway.NewMemoryStore(), gateway.NewMemoryEventLog(0), reg, log, gateway.Config{})

A front end then resumes a session from the token a call carries
(Core.Resume) or logs per-call credentials in (Core.CredentialSession),
looks the operation up (Core.Services().Lookup) and invokes it
(Core.Invoke). Package gateway/gatewaytest builds a real core in memory
for tests.

Values are neutral (Struct, []any, string, int64, float64, Decimal, BigInt,
bool, time.Time, []byte, nil): each front end maps them to its wire format.
Faults are neutral too (Fault, with a FaultKind), each front end writing
them in its own terms.
*/
package gateway
