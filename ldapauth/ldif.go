package ldapauth

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
)

// Entry is one directory entry read from LDIF.
type Entry struct {
	DN    string
	Attrs []Attr
}

// Attr is one attribute with its values, name as written.
type Attr struct {
	Name   string
	Values []string
}

// Values returns the values of the attribute called name (case-insensitive).
func (e *Entry) Values(name string) []string {
	for _, a := range e.Attrs {
		if strings.EqualFold(a.Name, name) {
			return a.Values
		}
	}
	return nil
}

// ParseLDIF reads LDIF content records (RFC 2849): folded lines, comments,
// base64 values ("attr:: ..."). Change records and URL values ("attr:< ")
// are refused: the embedded directory serves data, it does not run changes.
func ParseLDIF(data []byte) ([]*Entry, error) {
	var entries []*Entry
	var cur *Entry
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	lineNo := 0
	flush := func() error {
		defer func() { lines = lines[:0] }()
		for _, l := range lines {
			name, value, err := parseLDIFLine(l)
			if err != nil {
				return fmt.Errorf("ldif line %d: %w", lineNo, err)
			}
			switch {
			case strings.EqualFold(name, "version") && cur == nil:
				continue
			case strings.EqualFold(name, "dn"):
				if cur != nil {
					return fmt.Errorf("ldif line %d: second dn in one record", lineNo)
				}
				cur = &Entry{DN: value}
			case cur == nil:
				return fmt.Errorf("ldif line %d: record does not start with dn:", lineNo)
			case strings.EqualFold(name, "changetype"):
				return fmt.Errorf("ldif line %d: change records are not supported", lineNo)
			default:
				cur.add(name, value)
			}
		}
		if cur != nil {
			entries = append(entries, cur)
			cur = nil
		}
		return nil
	}
	for sc.Scan() {
		lineNo++
		line := strings.TrimRight(sc.Text(), "\r")
		switch {
		case strings.HasPrefix(line, "#"):
		case line == "":
			if err := flush(); err != nil {
				return nil, err
			}
		case strings.HasPrefix(line, " ") && len(lines) > 0:
			lines[len(lines)-1] += line[1:]
		default:
			lines = append(lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("ldif: no entries")
	}
	return entries, nil
}

func (e *Entry) add(name, value string) {
	for i := range e.Attrs {
		if strings.EqualFold(e.Attrs[i].Name, name) {
			e.Attrs[i].Values = append(e.Attrs[i].Values, value)
			return
		}
	}
	e.Attrs = append(e.Attrs, Attr{Name: name, Values: []string{value}})
}

func parseLDIFLine(l string) (name, value string, err error) {
	name, rest, ok := strings.Cut(l, ":")
	if !ok || name == "" {
		return "", "", fmt.Errorf("no attribute name in %q", l)
	}
	switch {
	case strings.HasPrefix(rest, ":"):
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest[1:]))
		if err != nil {
			return "", "", fmt.Errorf("bad base64 value of %s", name)
		}
		return name, string(b), nil
	case strings.HasPrefix(rest, "<"):
		return "", "", fmt.Errorf("URL values (%s:<) are not supported", name)
	}
	return name, strings.TrimLeft(rest, " "), nil
}
