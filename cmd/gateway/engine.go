package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"gateway/adapters/fastserve"
	"gateway/gateway"
)

// The values of http_engine.
const (
	engineFastHTTP = "fasthttp" // the default: see adapters/fastserve
	engineNetHTTP  = "net/http"
)

// The listener's limits, the same on either engine (docs/security.md).
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 90 * time.Second // above the 30 s long-poll of session.events
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 64 << 10
)

// server is the HTTP engine of the public listener.
type server interface {
	Serve(ln net.Listener) error
	Shutdown(ctx context.Context) error
}

// newServer returns the engine cfg.HTTPEngine names, serving h on the
// listener, over TLS with tlsCfg when tls.cert_file is set. ctx is the
// requests' context on fasthttp; net/http makes its own.
func newServer(ctx context.Context, cfg Config, h http.Handler, tlsCfg *tls.Config, log *slog.Logger) (server, error) {
	if cfg.TLS.CertFile != "" {
		// Loaded here for both engines: fasthttp takes the certificate
		// only from the configuration, and net/http does too when
		// ServeTLS is given no files.
		cert, err := tls.LoadX509KeyPair(cfg.TLS.CertFile, cfg.TLS.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("tls: %w", err)
		}
		tlsCfg = tlsCfg.Clone()
		tlsCfg.Certificates = []tls.Certificate{cert}
	} else {
		tlsCfg = nil
	}
	if cfg.HTTPEngine == engineNetHTTP {
		return netHTTPServer{&http.Server{
			Handler:           h,
			TLSConfig:         tlsCfg,
			ReadHeaderTimeout: readHeaderTimeout,
			ReadTimeout:       readTimeout,
			WriteTimeout:      writeTimeout,
			IdleTimeout:       idleTimeout,
			MaxHeaderBytes:    maxHeaderBytes,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		}}, nil
	}
	return fastserve.New(ctx, h, fastserve.Options{
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		// fasthttp reads a body whole before the handler runs and refuses
		// a larger one with 413, as the API handlers would; a portal form
		// post is far smaller.
		MaxBodyBytes: int(cfg.Limits.MaxBodyBytes),
		TLS:          tlsCfg,
		Log:          log,
		// withRequestID sets each request's ID in its reused context.
		ExchangeContext: gateway.ReusableRequestContext,
	}), nil
}

// netHTTPServer is Go's own server, over TLS when it has a configuration.
type netHTTPServer struct{ *http.Server }

func (s netHTTPServer) Serve(ln net.Listener) error {
	if s.TLSConfig != nil {
		return s.ServeTLS(ln, "", "") // the certificate is in TLSConfig
	}
	return s.Server.Serve(ln)
}
