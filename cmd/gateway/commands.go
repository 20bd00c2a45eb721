package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"gateway/adapters/admin"
)

// command is an admin command of the gateway binary: it talks to a
// running gateway's admin API (/admin/api/) as a user of the admins group.
type command struct {
	summary string
	usage   string
	run     func(c *adminClient, fs *flag.FlagSet, stdout io.Writer) error
}

var commands = map[string]command{
	"sessions": {
		summary: "list the attached clients (-user NAME for one user's)",
		usage:   "gateway sessions [-user NAME] [-json]",
		run:     cmdSessions,
	},
	"logout": {
		summary: "log out every client of a user, or one client by its ID",
		usage:   "gateway logout USER|CLIENT-ID",
		run:     cmdLogout,
	},
	"call": {
		summary: "call an operation as the admin: gateway call service.Operation key=value...",
		usage:   "gateway call [-json] service.Operation [key=value ...]   (keys as the portal's forms: sku, line[0].qty, item.subject)",
		run:     cmdCall,
	},
	"reload": {
		summary: "reload the configuration (services, WSDLs, upstreams, directory); SIGHUP does the same",
		usage:   "gateway reload",
		run:     cmdReload,
	},
}

func commandNames() []string {
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// adminClient calls the admin API.
type adminClient struct {
	base, user, password string
	json                 bool
	http                 *http.Client
}

// runCommand parses a command's flags and runs it; 0 on success, 1 when
// the gateway refused or failed, 2 for a usage mistake.
func runCommand(name string, cmd command, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("gateway "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := getenv("GATEWAY_URL")
	if base == "" {
		base = "http://" + defaultConfig().Listen
	}
	c := &adminClient{http: &http.Client{Timeout: 60 * time.Second}}
	fs.StringVar(&c.base, "url", base, "the gateway (or $GATEWAY_URL)")
	fs.StringVar(&c.user, "admin", getenv("GATEWAY_ADMIN_USER"), "an admin's username (or $GATEWAY_ADMIN_USER)")
	passwordFile := fs.String("password-file", "", "a file holding the admin's password (else $GATEWAY_ADMIN_PASSWORD)")
	fs.BoolVar(&c.json, "json", false, "print JSON instead of a table")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\n\n%s\n\nFlags:\n", cmd.usage, cmd.summary)
		fs.PrintDefaults()
	}
	var user string
	if name == "sessions" {
		fs.StringVar(&user, "user", "", "only this user's clients")
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	c.password = getenv("GATEWAY_ADMIN_PASSWORD")
	if *passwordFile != "" {
		b, err := os.ReadFile(*passwordFile)
		if err != nil {
			fmt.Fprintf(stderr, "gateway %s: %v\n", name, err)
			return 2
		}
		c.password = strings.TrimRight(string(b), "\r\n")
	}
	if c.user == "" {
		fmt.Fprintf(stderr, "gateway %s: no admin: give -admin NAME (or $GATEWAY_ADMIN_USER) and the password in $GATEWAY_ADMIN_PASSWORD or -password-file\n", name)
		return 2
	}
	c.base = strings.TrimRight(c.base, "/")
	if err := cmd.run(c, fs, stdout); err != nil {
		if u, ok := err.(usageError); ok {
			fmt.Fprintf(stderr, "gateway %s: %s\nusage: %s\n", name, string(u), cmd.usage)
			return 2
		}
		fmt.Fprintf(stderr, "gateway %s: %v\n", name, err)
		return 1
	}
	return 0
}

// usageError is a command given the wrong arguments.
type usageError string

func (e usageError) Error() string { return string(e) }

// do sends one admin API request and decodes its JSON answer into out; an
// answer other than 200 is an error with the API's message.
func (c *adminClient) do(method, path string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+"/admin/api/"+path, rd)
	if err != nil {
		return err
	}
	req.SetBasicAuth(c.user, c.password)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("the gateway at %s does not answer: %w", c.base, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
			Fault string `json:"fault"`
		}
		if json.Unmarshal(raw, &e) == nil && e.Error != "" {
			if e.Fault != "" {
				return fmt.Errorf("%s: %s (HTTP %d)", e.Fault, e.Error, resp.StatusCode)
			}
			return fmt.Errorf("%s (HTTP %d)", e.Error, resp.StatusCode)
		}
		return fmt.Errorf("HTTP %d from %s", resp.StatusCode, req.URL)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(out)
}

func cmdSessions(c *adminClient, fs *flag.FlagSet, stdout io.Writer) error {
	if fs.NArg() > 0 {
		return usageError("unexpected argument " + fs.Arg(0))
	}
	path := "sessions"
	if u := fs.Lookup("user").Value.String(); u != "" {
		path += "?user=" + u
	}
	var out struct {
		Sessions []admin.SessionView `json:"sessions"`
	}
	if err := c.do(http.MethodGet, path, nil, &out); err != nil {
		return err
	}
	if c.json {
		return json.NewEncoder(stdout).Encode(out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "USER\tCLIENT\tPROTOCOL\tREMOTE\tATTACHED\tLAST SEEN\tEXPIRES\tUSER AGENT")
	for _, s := range out.Sessions {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.User, s.Client, s.Protocol, s.Remote,
			s.AttachedAt.Format(time.DateTime), s.LastSeen.Format(time.DateTime), s.Expires.Format(time.DateTime), s.UserAgent)
	}
	return tw.Flush()
}

func cmdLogout(c *adminClient, fs *flag.FlagSet, stdout io.Writer) error {
	if fs.NArg() != 1 {
		return usageError("give one user or one client ID")
	}
	target := fs.Arg(0)
	// A client ID is what sessions lists; anything else is a username.
	var sessions struct {
		Sessions []admin.SessionView `json:"sessions"`
	}
	body := map[string]any{"user": target}
	if err := c.do(http.MethodGet, "sessions", nil, &sessions); err == nil {
		for _, s := range sessions.Sessions {
			if s.Client == target {
				body = map[string]any{"client": target}
			}
		}
	}
	var out struct {
		Detached int `json:"detached"`
	}
	if err := c.do(http.MethodPost, "logout", body, &out); err != nil {
		return err
	}
	if c.json {
		return json.NewEncoder(stdout).Encode(out)
	}
	fmt.Fprintf(stdout, "logged out %d client(s)\n", out.Detached)
	return nil
}

func cmdCall(c *adminClient, fs *flag.FlagSet, stdout io.Writer) error {
	if fs.NArg() < 1 {
		return usageError("give service.Operation")
	}
	service, operation, ok := strings.Cut(fs.Arg(0), ".")
	if !ok {
		return usageError(fmt.Sprintf("%q is not service.Operation", fs.Arg(0)))
	}
	params := map[string]any{}
	for _, kv := range fs.Args()[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return usageError(fmt.Sprintf("%q is not key=value", kv))
		}
		switch prev := params[k].(type) {
		case nil:
			params[k] = v
		case string:
			params[k] = []any{prev, v}
		case []any:
			params[k] = append(prev, v)
		}
	}
	var out struct {
		Result json.RawMessage `json:"result"`
	}
	if err := c.do(http.MethodPost, "call", map[string]any{"service": service, "operation": operation, "params": params}, &out); err != nil {
		return err
	}
	if c.json {
		_, err := fmt.Fprintf(stdout, "%s\n", out.Result)
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(out.Result))
	dec.UseNumber()
	v, err := decodeOrdered(dec)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	var rows [][2]string
	flatten("", v, &rows)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\n", r[0], r[1])
	}
	return tw.Flush()
}

// member is one member of a JSON object, in the order it came.
type member struct {
	name  string
	value any
}

// decodeOrdered reads one JSON value, objects as their members in order
// (the result's schema order).
func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		var obj []member
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			obj = append(obj, member{fmt.Sprint(k), v})
		}
		_, err := dec.Token()
		return obj, err
	case json.Delim('['):
		list := []any{}
		for dec.More() {
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err := dec.Token()
		return list, err
	}
	return tok, nil
}

// flatten lists a JSON value as path and value rows: item.name, line[0].sku.
func flatten(path string, v any, rows *[][2]string) {
	switch v := v.(type) {
	case []member:
		if len(v) == 0 {
			*rows = append(*rows, [2]string{path, "{}"})
		}
		for _, m := range v {
			p := m.name
			if path != "" {
				p = path + "." + m.name
			}
			flatten(p, m.value, rows)
		}
	case []any:
		if len(v) == 0 {
			*rows = append(*rows, [2]string{path, "[]"})
		}
		for i, item := range v {
			flatten(fmt.Sprintf("%s[%d]", path, i), item, rows)
		}
	case nil:
		*rows = append(*rows, [2]string{path, "nil"})
	default:
		*rows = append(*rows, [2]string{path, fmt.Sprint(v)})
	}
}

func cmdReload(c *adminClient, fs *flag.FlagSet, stdout io.Writer) error {
	if fs.NArg() > 0 {
		return usageError("unexpected argument " + fs.Arg(0))
	}
	var out struct {
		Result string `json:"result"`
	}
	if err := c.do(http.MethodPost, "reload", map[string]any{}, &out); err != nil {
		return err
	}
	fmt.Fprintln(stdout, out.Result)
	return nil
}
