package soap

import (
	"encoding/xml"

	"gateway/gateway"
	"gateway/wsdl"
)

// faultCodes maps a neutral fault to SOAP's Client/Server (1.1) and
// Sender/Receiver (1.2) and the gateway's subcode, as the contract's table.
func faultCodes(k gateway.FaultKind) (client bool, subcode string) {
	switch k {
	case gateway.FaultParse, gateway.FaultInvalidRequest, gateway.FaultNoSuchMethod, gateway.FaultInvalidParams:
		return true, ""
	case gateway.FaultUnauthenticated:
		return true, "Unauthenticated"
	case gateway.FaultForbidden:
		return true, "Forbidden"
	case gateway.FaultUnavailable:
		return false, "Unavailable"
	case gateway.FaultTooManyRequests:
		return false, "TooManyRequests"
	case gateway.FaultPasswordExpired:
		return true, "PasswordExpired"
	case gateway.FaultAccountDisabled:
		return true, "AccountDisabled"
	}
	return false, "" // internal, application
}

// faultString is the human-readable reason; an application fault's starts
// with its name, as over XML-RPC.
func faultString(f *gateway.Fault) string {
	if f.Kind == gateway.FaultApplication && f.Name != "" {
		return f.Name + ": " + f.Message
	}
	return f.Message
}

// appendFault writes a whole fault envelope. soapCode overrides the code
// with SOAP's own (VersionMismatch, MustUnderstand); op, when known, gives
// the schema of an application fault's detail element.
func appendFault(b []byte, v Version, f *gateway.Fault, soapCode string, notUnderstood []xml.Name, op *wsdl.Operation, header []byte) []byte {
	client, subcode := faultCodes(f.Kind)
	b = append(b, `<?xml version="1.0" encoding="UTF-8"?>`...)
	b = append(b, `<soap:Envelope xmlns:soap="`...)
	b = append(b, v.ns()...)
	b = append(b, `" xmlns:gw="`+NSSession+`">`...)
	notUnderstoodHeader := v == V12 && soapCode == "MustUnderstand"
	if notUnderstoodHeader || len(header) > 0 {
		b = append(b, "<soap:Header>"...)
		b = append(b, header...)
	}
	if notUnderstoodHeader {
		for _, n := range notUnderstood {
			b = append(b, `<soap:NotUnderstood xmlns:h="`...)
			b = appendText(b, n.Space)
			b = append(b, `" qname="h:`...)
			b = appendText(b, n.Local)
			b = append(b, `"/>`...)
		}
	}
	if notUnderstoodHeader || len(header) > 0 {
		b = append(b, "</soap:Header>"...)
	}
	b = append(b, "<soap:Body><soap:Fault>"...)
	detail := faultDetail(f, op)
	code := faultCode(v, client, soapCode)
	if v == V11 {
		b = append(b, "<faultcode>"...)
		b = append(b, code...)
		b = append(b, "</faultcode><faultstring>"...)
		b = appendText(b, faultString(f))
		b = append(b, "</faultstring>"...)
		if detail != nil || subcode != "" {
			b = append(b, "<detail>"...)
			b = appendSubcodeDetail(b, subcode)
			b = append(b, detail...)
			b = append(b, "</detail>"...)
		}
	} else {
		b = append(b, "<soap:Code><soap:Value>"...)
		b = append(b, code...)
		b = append(b, "</soap:Value>"...)
		if subcode != "" && soapCode == "" {
			b = append(b, "<soap:Subcode><soap:Value>gw:"...)
			b = append(b, subcode...)
			b = append(b, "</soap:Value></soap:Subcode>"...)
		}
		b = append(b, `</soap:Code><soap:Reason><soap:Text xml:lang="en">`...)
		b = appendText(b, faultString(f))
		b = append(b, "</soap:Text></soap:Reason>"...)
		if detail != nil {
			b = append(b, "<soap:Detail>"...)
			b = append(b, detail...)
			b = append(b, "</soap:Detail>"...)
		}
	}
	return append(b, "</soap:Fault></soap:Body></soap:Envelope>"...)
}

// faultCode is the fault's code in version v: SOAP's own (VersionMismatch,
// MustUnderstand) when set, else Client/Sender or Server/Receiver.
func faultCode(v Version, client bool, soapCode string) string {
	switch {
	case soapCode != "":
		return "soap:" + soapCode
	case client && v == V11:
		return "soap:Client"
	case client:
		return "soap:Sender"
	case v == V11:
		return "soap:Server"
	}
	return "soap:Receiver"
}

// appendSubcodeDetail gives SOAP 1.1 callers, which have no Subcode, the
// same information as an element in detail: <gw:Unauthenticated/>.
func appendSubcodeDetail(b []byte, subcode string) []byte {
	if subcode == "" {
		return b
	}
	b = append(b, "<gw:"...)
	b = append(b, subcode...)
	return append(b, "/>"...)
}

// faultDetail is the WSDL fault element of an application fault.
func faultDetail(f *gateway.Fault, op *wsdl.Operation) []byte {
	if f.Kind != gateway.FaultApplication || op == nil {
		return nil
	}
	decl := op.Fault(f.Name)
	if decl == nil || decl.Element == nil {
		return nil
	}
	e := &encoder{ns: decl.Element.Name.Space}
	if err := e.wrapper(decl.Element, f.Detail); err != nil {
		return nil // a detail that does not fit its schema is left out, not invented
	}
	return e.b
}
