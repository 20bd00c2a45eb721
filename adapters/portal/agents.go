package portal

import (
	"fmt"
	"strings"
	"time"
)

// summarizeAgent names a client's program and system the way a person
// says it ("Firefox on Linux", "Python xmlrpc.client", "zeep"); the full
// User-Agent stays in the page's title attribute. An agent it does not
// know is its first word.
func summarizeAgent(ua string) string {
	if ua == "" {
		return "unknown"
	}
	program := ""
	for _, p := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"HeadlessChrome/", "Headless Chrome"},
		{"Chromium/", "Chromium"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"},
		{"Python-xmlrpc", "Python xmlrpc.client"}, {"xmlrpclib", "Python xmlrpc.client"}, {"Zeep", "zeep"},
		{"Suds", "suds"}, {"suds", "suds"}, {"SOAP::Lite", "SOAP::Lite"}, {"PHP-SOAP", "PHP SoapClient"},
		{"Twisted", "Twisted"}, {"gSOAP", "gSOAP"}, {"Apache-CXF", "CXF"}, {"Apache-HttpClient", "Java HttpClient"},
		{"MS Web Services Client", ".NET"}, {"libwww-perl", "Perl LWP"}, {"curl/", "curl"}, {"Wget/", "Wget"},
		{"python-requests", "Python requests"}, {"Python-urllib", "Python urllib"}, {"Go-http-client", "Go net/http"},
		{"xmlrpc-c", "xmlrpc-c"},
	} {
		if strings.Contains(ua, p.token) {
			program = p.name
			break
		}
	}
	if program == "" {
		program, _, _ = strings.Cut(ua, " ")
		program, _, _ = strings.Cut(program, "/")
		if len(program) > 32 {
			program = program[:32] + "…"
		}
	}
	system := ""
	for _, p := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, p.token) {
			system = p.name
			break
		}
	}
	if system == "" {
		return program
	}
	return program + " on " + system
}

// ago says how long ago, roughly, in words a person reads at a glance.
func ago(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%d s ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}
