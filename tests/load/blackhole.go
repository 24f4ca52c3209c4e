package main

import (
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// blackHole is a tenant that accepts connections and never answers: what a
// hung load balancer or a firewall that drops replies looks like. It counts
// the connections it accepted, the ones still open, and the most ever open at
// once (each key-set fetch holds one until its client gives up).
type blackHole struct {
	l                       net.Listener
	accepted, open, maxOpen atomic.Int64
	closed                  atomic.Int64 // connections the client gave up on
	mu                      sync.Mutex
	conns                   []net.Conn
}

func newBlackHole() (*blackHole, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("black hole listen: %w", err)
	}
	b := &blackHole{l: l}
	go b.accept()
	return b, nil
}

func (b *blackHole) accept() {
	for {
		c, err := b.l.Accept()
		if err != nil {
			return
		}
		b.accepted.Add(1)
		n := b.open.Add(1)
		for m := b.maxOpen.Load(); n > m && !b.maxOpen.CompareAndSwap(m, n); m = b.maxOpen.Load() {
		}
		b.mu.Lock()
		b.conns = append(b.conns, c)
		b.mu.Unlock()
		go func() {
			_, _ = io.Copy(io.Discard, c) // read the request, answer nothing, until the client hangs up
			b.open.Add(-1)
			b.closed.Add(1)
		}()
	}
}

// url is the black hole as an issuer, with Auth0's trailing slash.
func (b *blackHole) url() string { return "http://" + b.l.Addr().String() + "/" }

// close stops accepting and drops every connection.
func (b *blackHole) close() {
	_ = b.l.Close()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.conns {
		_ = c.Close()
	}
}
