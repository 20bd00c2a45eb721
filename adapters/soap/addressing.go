package soap

import (
	"crypto/rand"
	"fmt"
	"strings"

	"gateway/adapters/xmltext"
	"gateway/wsdl"
)

// WS-Addressing over this gateway's request/reply HTTP: a client that
// sends wsa:Action and wsa:MessageID (WCF with wsHttpBinding, zeep's
// WsAddressingPlugin, CXF with addressing on) gets its answer with
// wsa:Action (the operation's output action), wsa:RelatesTo (its
// MessageID), a new wsa:MessageID and the anonymous wsa:To; a fault gets
// the fault action. ReplyTo and FaultTo must be anonymous (or absent): the
// answer travels back on the same connection, never to a third address,
// which would let anyone make the gateway post to any URL.

// Addressing is what a request's WS-Addressing headers say.
type Addressing struct {
	NS        string // NSWSA (1.0) or NSWSA2004: the answer uses the same
	Action    string
	MessageID string
	To        string
	ReplyTo   string // the Address of wsa:ReplyTo
	FaultTo   string
}

// The anonymous and none addresses of each WS-Addressing version.
func anonymousAddress(ns string) string {
	if ns == NSWSA2004 {
		return NSWSA2004 + "/role/anonymous"
	}
	return NSWSA + "/anonymous"
}

func isAnonymous(ns, address string) bool {
	address = strings.TrimSpace(address)
	return address == "" || address == anonymousAddress(ns) || ns == NSWSA && address == NSWSA+"/none"
}

// addressingHeader reads one WS-Addressing header block (t is its start)
// into req.
func (d *decoder) addressingHeader(req *Request, t xmltext.Token) error {
	if req.Addressing == nil {
		req.Addressing = &Addressing{NS: t.Space}
	}
	a := req.Addressing
	local := string(t.Local)
	switch local {
	case "Action", "MessageID", "To":
		text, err := d.textContent("", local)
		if err != nil {
			return err
		}
		text = strings.TrimSpace(text)
		switch local {
		case "Action":
			a.Action = text
		case "MessageID":
			a.MessageID = text
		case "To":
			a.To = text
		}
		return nil
	case "ReplyTo", "FaultTo":
		var address string
		err := d.eachChild(func(c xmltext.Token) error {
			if c.Space == t.Space && string(c.Local) == "Address" {
				text, err := d.textContent(local, "Address")
				address = strings.TrimSpace(text)
				return err
			}
			return d.skip()
		})
		if local == "ReplyTo" {
			a.ReplyTo = address
		} else {
			a.FaultTo = address
		}
		return err
	}
	return d.skip() // RelatesTo, From, reference parameters: nothing to act on
}

// checkAddressing refuses what the gateway cannot honour: a reply or fault
// address other than the anonymous one, and an action that names another
// operation than the body (the same tolerance as for SOAPAction: unknown
// actions pass, because clients send URLs, names, or their own).
func checkAddressing(def *wsdl.Definition, req *Request) error {
	a := req.Addressing
	if a == nil {
		return nil
	}
	if !isAnonymous(a.NS, a.ReplyTo) || !isAnonymous(a.NS, a.FaultTo) {
		return clientFault("WS-Addressing: only the anonymous address is supported for ReplyTo and FaultTo (the answer goes back on this connection)")
	}
	if a.Action != "" && a.Action != req.Operation.InputAction {
		if other := actionNamesOther(def, a.Action, req.Operation); other != "" {
			return clientFault("WS-Addressing: the action %q names operation %s but the body is %s", a.Action, other, req.Operation.Name)
		}
	}
	return nil
}

// appendAddressing writes the answer's WS-Addressing headers for a
// request that had them: action is the output's action or, for a fault,
// the fault action.
func appendAddressing(b []byte, a *Addressing, action string) []byte {
	if a == nil {
		return b
	}
	ns := a.NS
	b = append(b, `<wsa:Action xmlns:wsa="`...)
	b = append(b, ns...)
	b = append(b, `">`...)
	b = appendText(b, action)
	b = append(b, `</wsa:Action><wsa:MessageID xmlns:wsa="`...)
	b = append(b, ns...)
	b = append(b, `">`...)
	b = append(b, newMessageID()...)
	b = append(b, `</wsa:MessageID>`...)
	if a.MessageID != "" {
		b = append(b, `<wsa:RelatesTo xmlns:wsa="`...)
		b = append(b, ns...)
		b = append(b, `">`...)
		b = appendText(b, a.MessageID)
		b = append(b, `</wsa:RelatesTo>`...)
	}
	b = append(b, `<wsa:To xmlns:wsa="`...)
	b = append(b, ns...)
	b = append(b, `">`...)
	b = append(b, anonymousAddress(ns)...)
	return append(b, `</wsa:To>`...)
}

// faultAction is the action of a fault answer.
func faultAction(ns string) string { return ns + "/fault" }

// newMessageID is a new urn:uuid (version 4) message ID.
func newMessageID() string {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// AppendRequestAddressing writes the WS-Addressing 1.0 headers of a call
// to an upstream that requires them: its action, a new MessageID, the
// upstream's address as To, and the anonymous ReplyTo (the answer comes
// back on the connection).
func AppendRequestAddressing(b []byte, action, to string) []byte {
	b = append(b, `<wsa:Action xmlns:wsa="`+NSWSA+`">`...)
	b = appendText(b, action)
	b = append(b, `</wsa:Action><wsa:MessageID xmlns:wsa="`+NSWSA+`">`...)
	b = append(b, newMessageID()...)
	b = append(b, `</wsa:MessageID><wsa:To xmlns:wsa="`+NSWSA+`">`...)
	b = appendText(b, to)
	b = append(b, `</wsa:To><wsa:ReplyTo xmlns:wsa="`+NSWSA+`"><wsa:Address>`+NSWSA+`/anonymous</wsa:Address></wsa:ReplyTo>`...)
	return b
}
