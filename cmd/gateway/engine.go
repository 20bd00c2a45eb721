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
// listener with tlsCfg (nil: plain HTTP). ctx is the requests' context on
// fasthttp; net/http makes its own.
func newServer(ctx context.Context, cfg Config, h http.Handler, tlsCfg *tls.Config, log *slog.Logger) (server, error) {
	tlsOn := cfg.TLS.CertFile != ""
	if cfg.HTTPEngine == engineNetHTTP {
		srv := &http.Server{
			Handler:           h,
			TLSConfig:         tlsCfg,
			ReadHeaderTimeout: readHeaderTimeout,
			ReadTimeout:       readTimeout,
			WriteTimeout:      writeTimeout,
			IdleTimeout:       idleTimeout,
			MaxHeaderBytes:    maxHeaderBytes,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		}
		return netHTTPServer{srv: srv, tls: tlsOn, cert: cfg.TLS.CertFile, key: cfg.TLS.KeyFile}, nil
	}
	opts := fastserve.Options{
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		MaxBodyBytes:      maxRequestBody(cfg),
		Log:               log,
	}
	if tlsOn {
		cert, err := tls.LoadX509KeyPair(cfg.TLS.CertFile, cfg.TLS.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("tls: %w", err)
		}
		opts.TLS = tlsCfg.Clone()
		opts.TLS.Certificates = []tls.Certificate{cert}
	}
	return fastserve.New(ctx, h, opts), nil
}

// maxRequestBody is the largest body any handler takes: the engine reads
// a body whole before the handler runs, and refuses a larger one with 413
// as the handlers would. A form post of the portal is far smaller.
func maxRequestBody(cfg Config) int {
	return int(cfg.Limits.MaxBodyBytes)
}

type netHTTPServer struct {
	srv       *http.Server
	tls       bool
	cert, key string
}

func (s netHTTPServer) Serve(ln net.Listener) error {
	if s.tls {
		return s.srv.ServeTLS(ln, s.cert, s.key)
	}
	return s.srv.Serve(ln)
}

func (s netHTTPServer) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }
