// Package breaker makes a store that hangs cost one timeout, not one per
// call: once a call has timed out, later calls are refused at once with an
// error wrapping auth0gin.ErrUnavailable while one background probe retries
// the server, and calls go through again as soon as a probe answers.
package breaker

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// Breaker is open (refusing) from Trip until a probe succeeds. The zero
// value is not usable; see New. It is safe for concurrent use.
type Breaker struct {
	name     string // "redis store", for the refusal's message
	interval time.Duration

	mu      sync.Mutex
	open    bool
	since   time.Time
	cause   error
	closed  bool
	stop    chan struct{}
	probing sync.WaitGroup
}

// New returns a closed breaker whose probes, once tripped, run interval
// apart (each bounded by the probe's own timeouts).
func New(name string, interval time.Duration) *Breaker {
	return &Breaker{name: name, interval: interval, stop: make(chan struct{})}
}

// Allow returns nil when calls may go to the server, or the refusal.
func (b *Breaker) Allow() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.open {
		return nil
	}
	return fmt.Errorf("%s: %w: a call timed out %v ago (%v); refusing calls until a probe answers",
		b.name, auth0gin.ErrUnavailable, time.Since(b.since).Round(time.Millisecond), b.cause)
}

// Trip opens the breaker after a call that timed out with cause, and starts
// the one probe loop: probe is called, interval apart, until it returns nil,
// which closes the breaker. A Trip while open does nothing.
func (b *Breaker) Trip(cause error, probe func(ctx context.Context) error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open || b.closed {
		return
	}
	b.open, b.since, b.cause = true, time.Now(), cause
	b.probing.Add(1)
	go b.loop(probe)
}

func (b *Breaker) loop(probe func(ctx context.Context) error) {
	defer b.probing.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-b.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		select {
		case <-b.stop:
			return
		case <-time.After(b.interval):
		}
		if probe(ctx) == nil {
			b.mu.Lock()
			b.open = false
			b.mu.Unlock()
			return
		}
	}
}

// Open reports whether calls are being refused.
func (b *Breaker) Open() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.open
}

// Close stops the probe, if one runs, and waits for it. Later Trips do
// nothing.
func (b *Breaker) Close() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	close(b.stop)
	b.mu.Unlock()
	b.probing.Wait()
}
