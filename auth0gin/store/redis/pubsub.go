package redis

import (
	"context"
	"sync"

	goredis "github.com/redis/go-redis/v9"
)

// Publish sends message to the subscribers of channel on every instance
// sharing the server: PUBLISH, or on a cluster SPUBLISH, which goes to the
// shard that owns the channel's slot only (see the package doc).
func (s *backend) Publish(ctx context.Context, channel, message string) error {
	if err := s.begin("publish"); err != nil {
		return err
	}
	ch := s.channel(channel)
	if s.cluster {
		return s.done(ctx, "publish", ch, s.c.SPublish(ctx, ch, message).Err())
	}
	return s.done(ctx, "publish", ch, s.c.Publish(ctx, ch, message).Err())
}

// subscription is one Redis subscription (a connection of its own, which
// go-redis reconnects) and the goroutine that calls fn.
type subscription struct {
	ps       *goredis.PubSub
	quit     chan struct{}
	exited   chan struct{}
	stopOnce sync.Once
}

// Subscribe calls fn for each message published on channel until stop is
// called or the store is closed. It returns once the server has confirmed
// the subscription, so a message published after it returns is delivered.
// stop waits for a running fn, so fn must not call it.
func (s *backend) Subscribe(ctx context.Context, channel string, fn func(message string)) (func(), error) {
	if err := s.begin("subscribe"); err != nil {
		return nil, err
	}
	var ps *goredis.PubSub
	if s.cluster {
		ps = s.c.SSubscribe(ctx, s.channel(channel))
	} else {
		ps = s.c.Subscribe(ctx, s.channel(channel))
	}
	// The first reply is the server's confirmation.
	if _, err := ps.Receive(ctx); err != nil {
		_ = ps.Close()
		return nil, check("subscribe", err)
	}
	sub := &subscription{ps: ps, quit: make(chan struct{}), exited: make(chan struct{})}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ps.Close()
		return nil, check("subscribe", errClosed)
	}
	s.subs[sub] = struct{}{}
	s.mu.Unlock()
	msgs := ps.Channel()
	go func() {
		defer close(sub.exited)
		for {
			select {
			case <-sub.quit:
				return
			case m, ok := <-msgs:
				if !ok {
					return
				}
				select {
				case <-sub.quit:
					return
				default:
				}
				fn(m.Payload)
			}
		}
	}()
	return func() {
		s.mu.Lock()
		delete(s.subs, sub)
		s.mu.Unlock()
		sub.stop()
	}, nil
}

func (sub *subscription) stop() {
	sub.stopOnce.Do(func() {
		close(sub.quit)
		_ = sub.ps.Close()
	})
	<-sub.exited
}
