// Package hub delivers published messages to the subscribers of one process,
// each subscription on a goroutine of its own, so that a slow subscriber
// delays nobody else and the publisher never blocks. Every backend dispatches
// what it receives (from Redis, from PostgreSQL NOTIFY, or from its own
// process) through a Hub.
package hub

import "sync"

// Hub is a set of subscriptions by channel. The zero value is not usable; use
// New.
type Hub struct {
	mu     sync.Mutex
	subs   map[string]map[*sub]struct{}
	closed bool
}

// New returns an empty hub.
func New() *Hub {
	return &Hub{subs: map[string]map[*sub]struct{}{}}
}

// sub is one subscription: a queue that never blocks the publisher, drained
// by its own goroutine.
type sub struct {
	h       *Hub
	channel string
	fn      func(string)

	mu    sync.Mutex
	queue []string
	wake  chan struct{}

	quit     chan struct{}
	exited   chan struct{}
	stopOnce sync.Once
}

// Subscribe registers fn for channel. The returned stop removes it and, once
// it returns, fn is not called again; stop waits for a running fn, so fn must
// not call it. After Close, Subscribe returns a subscription that never runs.
func (h *Hub) Subscribe(channel string, fn func(string)) (stop func()) {
	s := &sub{
		h: h, channel: channel, fn: fn,
		wake: make(chan struct{}, 1), quit: make(chan struct{}), exited: make(chan struct{}),
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		close(s.quit)
		close(s.exited)
		return func() {}
	}
	set := h.subs[channel]
	if set == nil {
		set = map[*sub]struct{}{}
		h.subs[channel] = set
	}
	set[s] = struct{}{}
	h.mu.Unlock()
	go s.run()
	return s.stop
}

// Publish queues message for every subscriber of channel.
func (h *Hub) Publish(channel, message string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[channel] {
		s.push(message)
	}
}

// Has reports whether channel has a subscriber.
func (h *Hub) Has(channel string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs[channel]) > 0
}

// Len is the number of channels with a subscriber.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Close stops every subscription, waiting for running callbacks; later
// subscriptions never run.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	var all []*sub
	for _, set := range h.subs {
		for s := range set {
			all = append(all, s)
		}
	}
	h.mu.Unlock()
	for _, s := range all {
		s.stop()
	}
}

func (s *sub) push(m string) {
	s.mu.Lock()
	s.queue = append(s.queue, m)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *sub) run() {
	defer close(s.exited)
	for {
		select {
		case <-s.quit:
			return
		case <-s.wake:
		}
		for {
			s.mu.Lock()
			batch := s.queue
			s.queue = nil
			s.mu.Unlock()
			if len(batch) == 0 {
				break
			}
			for _, m := range batch {
				select {
				case <-s.quit:
					return
				default:
				}
				s.fn(m)
			}
		}
	}
}

func (s *sub) stop() {
	s.stopOnce.Do(func() {
		s.h.mu.Lock()
		if set := s.h.subs[s.channel]; set != nil {
			delete(set, s)
			if len(set) == 0 {
				delete(s.h.subs, s.channel)
			}
		}
		s.h.mu.Unlock()
		close(s.quit)
	})
	<-s.exited
}
