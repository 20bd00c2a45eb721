// Package slapdtest starts Debian's OpenLDAP server (slapd) for tests: a
// throwaway slapd.conf and mdb database in a temporary directory, loaded with
// slapadd, listening on a loopback port. A test that asks for it fails
// loudly when slapd is not installed: it never skips.
package slapdtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
	"time"
)

// Suffix is the naming context every test directory uses.
const Suffix = "dc=example,dc=org"

// Reader is a service account the test data adds for searches.
const (
	ReaderDN       = "cn=reader,dc=example,dc=org"
	ReaderPassword = "reader-secret"
)

// ReaderLDIF adds the service account; append it to the data.
const ReaderLDIF = `
dn: cn=reader,dc=example,dc=org
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: reader
userPassword: reader-secret
`

// TLS is the server side of StartTLS/LDAPS.
type TLS struct {
	CertFile, KeyFile, CAFile string
}

// Server is a running slapd.
type Server struct {
	URL  string // ldap://127.0.0.1:PORT
	Port int
	dir  string
	cmd  *exec.Cmd
	args []string
}

var confTemplate = template.Must(template.New("conf").Parse(`
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile {{.Dir}}/slapd.pid
argsfile {{.Dir}}/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
{{if .PPolicy}}moduleload ppolicy
{{end}}{{if .MemberOf}}moduleload memberof
{{end}}{{if .TLS}}TLSCACertificateFile {{.TLS.CAFile}}
TLSCertificateFile {{.TLS.CertFile}}
TLSCertificateKeyFile {{.TLS.KeyFile}}
{{end}}
database mdb
maxsize 16777216
suffix "{{.Suffix}}"
rootdn "cn=admin,{{.Suffix}}"
rootpw admin-secret
directory {{.Dir}}/db
{{if .MemberOf}}overlay memberof
{{end}}{{if .PPolicy}}overlay ppolicy
ppolicy_default "cn=default,ou=policies,{{.Suffix}}"
ppolicy_use_lockout
{{end}}access to attrs=userPassword
  by anonymous auth
  by self write
  by * none
access to * by * read
`))

// Start runs slapd serving ldif until the test ends; it fails the test
// when slapd is not installed.
//
// Under -short (a machine with only Go) the test is skipped; otherwise a
// missing slapd fails it.
func Start(t testing.TB, ldif []byte, tlsCfg *TLS) *Server {
	t.Helper()
	return StartWith(t, ldif, Options{TLS: tlsCfg})
}

// Options shape a slapd.
type Options struct {
	TLS *TLS
	// PPolicy loads the password policy overlay with its default policy
	// at cn=default,ou=policies (the LDIF holds that entry).
	PPolicy bool
	// MemberOf loads the memberof overlay: entries added over LDAP (not
	// by slapadd, which runs no overlay) get memberOf from their groups.
	MemberOf bool
}

// StartWith is Start with options.
func StartWith(t testing.TB, ldif []byte, opts Options) *Server {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: needs slapd (make test installs it)")
	}
	s, err := launch(t.TempDir(), ldif, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Launch runs slapd serving ldif with its configuration and database in dir,
// until Stop (for tools, such as the benchmarks, that are not tests).
func Launch(dir string, ldif []byte, tlsCfg *TLS) (*Server, error) {
	return launch(dir, ldif, Options{TLS: tlsCfg})
}

func launch(dir string, ldif []byte, opts Options) (*Server, error) {
	slapd, err := exec.LookPath("slapd")
	if err != nil {
		slapd = "/usr/sbin/slapd"
	}
	slapadd := filepath.Join(filepath.Dir(slapd), "slapadd")
	if _, err := os.Stat(slapd); err != nil {
		return nil, fmt.Errorf("slapd is not installed (apt-get install -y slapd ldap-utils; make test installs it): %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "db"), 0o700); err != nil {
		return nil, err
	}
	var conf bytes.Buffer
	if err := confTemplate.Execute(&conf, map[string]any{"Dir": dir, "Suffix": Suffix, "TLS": opts.TLS, "PPolicy": opts.PPolicy, "MemberOf": opts.MemberOf}); err != nil {
		return nil, err
	}
	confPath := filepath.Join(dir, "slapd.conf")
	ldifPath := filepath.Join(dir, "data.ldif")
	if err := os.WriteFile(confPath, conf.Bytes(), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(ldifPath, ldif, 0o600); err != nil {
		return nil, err
	}
	if out, err := exec.Command(slapadd, "-f", confPath, "-l", ldifPath).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("slapadd: %v\n%s", err, out)
	}
	s := &Server{dir: dir}
	for attempt := 0; attempt < 5; attempt++ {
		if err = s.start(slapd, confPath); err == nil {
			return s, nil
		}
	}
	return nil, fmt.Errorf("slapd did not start: %w", err)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) start(slapd, confPath string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	s.Port = port
	s.URL = fmt.Sprintf("ldap://127.0.0.1:%d", port)
	// -d 0 keeps slapd in the foreground, so the test owns the process.
	s.args = []string{slapd, "-f", confPath, "-h", s.URL + "/", "-d", "0"}
	return s.run()
}

func (s *Server) run() error {
	var stderr bytes.Buffer
	s.cmd = exec.Command(s.args[0], s.args[1:]...)
	s.cmd.Stderr = &stderr
	if err := s.cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("slapd exited: %v: %s", err, strings.TrimSpace(stderr.String()))
		default:
		}
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.Port), 200*time.Millisecond); err == nil {
			c.Close()
			go func() { <-exited }()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = s.cmd.Process.Kill()
	return fmt.Errorf("slapd did not listen within 10s: %s", stderr.String())
}

// Stop kills slapd (as a crash would) and waits for the port to close.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		for i := 0; i < 100; i++ {
			c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.Port), 50*time.Millisecond)
			if err != nil {
				break
			}
			c.Close()
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// Pid is the running slapd's process ID (for tools that measure its CPU).
func (s *Server) Pid() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Restart starts slapd again on the same port with the same data.
func (s *Server) Restart() error { return s.run() }
