// Command gateway publishes WSDL-defined services over XML-RPC (and, as
// they land, SOAP and a browser portal), behind LDAP login and shared
// perspectives.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"gateway/gateway"
)

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// defaultGCPercent is the garbage collector's target when GOGC is not set.
// A call leaves only garbage behind (its request, values and response),
// while what lives (sessions, the WSDLs, the directory's connections) is
// small: at Go's default of 100 a loaded node spent about 15% more CPU
// per call than at 400, for some 12 MB less at peak on the demo
// (docs/configuration.md has the figures). The peak heap is about five
// times what lives, so a node holding many sessions may want GOGC=100 or
// GOMEMLIMIT, which the runtime honours as usual.
const defaultGCPercent = 400

// environment lists the variables the gateway reads, for -h.
var environment = [][2]string{
	{"GATEWAY_LISTEN", "host:port to listen on (overrides listen)"},
	{"GATEWAY_HTTP_ENGINE", "fasthttp or net/http (overrides http_engine)"},
	{"GATEWAY_LDAP_URLS", "comma-separated directory URLs (overrides ldap.urls)"},
	{"GATEWAY_SESSION_STORE", "memory or redis (overrides session.store)"},
	{"GATEWAY_REDIS_URL", "redis:// URL (overrides session.redis_url)"},
	{"GATEWAY_URL", "admin commands: the gateway to talk to (default http://127.0.0.1:8080)"},
	{"GATEWAY_ADMIN_USER", "admin commands: the admin's username"},
	{"GATEWAY_ADMIN_PASSWORD", "admin commands: the admin's password (or -password-file)"},
	{"GOGC", "the garbage collector's target (default 400 here, not Go's 100; see docs/configuration.md)"},
}

func run(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) > 0 {
		if cmd, ok := commands[args[0]]; ok {
			return runCommand(args[0], cmd, args[1:], stdout, stderr, getenv)
		}
	}
	fs := flag.NewFlagSet("gateway", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "YAML configuration file (default: the embedded defaults); relative paths in it are read from its folder")
	checkOnly := fs.Bool("check-config", false, "check the configuration, probe the directory and each upstream, print what was found and exit (0 good, 1 something does not answer, 2 a configuration that cannot start)")
	offline := fs.Bool("offline", false, "with -check-config: check the files only, probe nothing on the network")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	debugAddr := fs.String("debug-addr", "", "serve net/http/pprof on this address (e.g. 127.0.0.1:6060); off when empty")
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: gateway [flags]\n\nPublishes WSDL-defined services over SOAP, XML-RPC and a browser portal, behind LDAP login.\nWith no flags it runs the demo (built-in directory and inventory service) on %s.\n\nFlags:\n", defaultConfig().Listen)
		fs.PrintDefaults()
		fmt.Fprintln(out, "\nAdmin commands, against a running gateway (gateway COMMAND -h for each):")
		for _, name := range commandNames() {
			fmt.Fprintf(out, "  gateway %-9s %s\n", name, commands[name].summary)
		}
		fmt.Fprintln(out, "\nEnvironment:")
		for _, e := range environment {
			fmt.Fprintf(out, "  %-22s %s\n", e[0], e[1])
		}
	}
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout) // asked for: help is the output, and a success
			fs.Usage()
			return 0
		}
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		hint := ""
		if strings.HasSuffix(fs.Arg(0), ".yaml") || strings.HasSuffix(fs.Arg(0), ".yml") {
			hint = fmt.Sprintf(" (a configuration file is given as -config %s)", fs.Arg(0))
		}
		fmt.Fprintf(stderr, "gateway: unexpected argument %q%s; see gateway -h\n", fs.Arg(0), hint)
		return 2
	}
	cfg, notes, err := loadConfig(*configPath, getenv)
	if err == nil {
		err = cfg.validate()
	}
	if err != nil {
		fmt.Fprintf(stderr, "gateway: configuration: %v\n", err)
		return 2
	}
	var handler slog.Handler
	switch *logFormat {
	case "text":
		handler = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})
	case "json":
		handler = slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})
	default:
		fmt.Fprintf(stderr, "gateway: -log-format: %q is not text or json\n", *logFormat)
		return 2
	}
	log := slog.New(gateway.LogHandler{Handler: handler})
	for _, n := range notes {
		log.Warn("configuration: " + n)
	}
	if *checkOnly {
		return checkConfig(cfg, !*offline, stdout, stderr)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	app, err := build(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "gateway: %v\n", err)
		return 2
	}
	defer app.close()
	app.cfgPath, app.getenv = *configPath, getenv
	// SIGHUP reloads the configuration, as "gateway reload" does.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-hup:
				if summary, err := app.reload(ctx); err != nil {
					log.Error("reload", "err", err)
				} else {
					log.Info("SIGHUP: " + summary)
				}
			case <-ctx.Done():
				return
			}
		}
	}()

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		fmt.Fprintf(stderr, "gateway: listen: %v\n", err)
		return 1
	}
	tlsCfg, tlsNotes, err := cfg.TLS.serverTLS()
	if err != nil {
		fmt.Fprintf(stderr, "gateway: %v\n", err)
		return 1
	}
	for _, n := range tlsNotes {
		log.Warn("configuration: " + n)
	}
	// The requests' context outlives the signal's: a call in flight at
	// SIGTERM finishes (Shutdown waits for it).
	srv, err := newServer(context.WithoutCancel(ctx), cfg, app.handler, tlsCfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "gateway: %v\n", err)
		return 1
	}
	go app.core.Run(ctx)
	if cfg.MetricsListen != "" {
		mln, err := net.Listen("tcp", cfg.MetricsListen)
		if err != nil {
			fmt.Fprintf(stderr, "gateway: metrics_listen: %v\n", err)
			return 1
		}
		log.Info("metrics", "addr", mln.Addr().String())
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", app.metrics)
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = msrv.Serve(mln) }()
		defer msrv.Close()
	}
	if *debugAddr != "" {
		go serveDebug(*debugAddr, log)
	}
	app.banner(stdout, ln.Addr().String(), cfg.TLS.CertFile != "")
	// Reach the directory once at start, so that one that is down is in
	// the log now (with its URL and cause), not at the first login.
	go func() {
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := app.authorizer().Ready(pctx); err == nil {
			log.Info("directory reachable", "urls", strings.Join(app.directoryConfig.URLs, ","))
		}
	}()

	served := make(chan error, 1)
	go func() {
		served <- srv.Serve(ln)
	}()
	select {
	case err := <-served:
		log.Error("server stopped", "err", err)
		return 1
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight calls")
	app.core.Drain() // long-polls return now instead of holding shutdown for 30 s
	shutCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("shutdown", "err", err)
	}
	// In memory mode the sessions die with the process: tell every client.
	// In Redis mode they belong to the cluster and stay.
	if !app.core.SharedSessions() {
		app.core.DetachAll(shutCtx, "shutdown")
	}
	log.Info("stopped")
	return 0
}

// serveDebug serves the profiler on its own listener, never on the public
// one: profiles show call paths and timings an outsider has no business
// with. Bind it to loopback.
func serveDebug(addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	log.Info("profiler", "addr", addr)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		log.Error("profiler stopped", "err", err)
	}
}
