package devtenant

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Server is a Tenant served over HTTP by Listen.
type Server struct {
	*Tenant
	// URL is the base URL the server listens on, with a trailing slash.
	URL string

	srv  *http.Server
	done chan struct{}
}

// Listen binds addr (e.g. "127.0.0.1:0" for any free port), creates the
// tenant — taking cfg.Issuer from the bound address when it is empty — and
// serves it in a goroutine until Close or Shutdown.
func Listen(addr string, cfg Config) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("devtenant: listen: %w", err)
	}
	base := "http://" + ln.Addr().String() + "/"
	if cfg.Issuer == "" {
		cfg.Issuer = base
	}
	t, err := New(cfg)
	if err != nil {
		ln.Close()
		return nil, err
	}
	s := &Server{
		Tenant: t,
		URL:    base,
		srv: &http.Server{
			Handler:           t,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    64 << 10,
		},
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.log.Error("devtenant: serve failed", "err", err)
		}
	}()
	t.log.Info("devtenant: listening", "issuer", t.Issuer(), "addr", ln.Addr().String())
	return s, nil
}

// Shutdown stops the server gracefully, waiting for requests in flight until
// ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	<-s.done
	return err
}

// Close stops the server at once.
func (s *Server) Close() error {
	err := s.srv.Close()
	<-s.done
	return err
}
