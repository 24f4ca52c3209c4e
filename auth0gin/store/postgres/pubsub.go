package postgres

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// maxPayload is NOTIFY's payload limit (8000 bytes) less a margin.
const maxPayload = 7900

// notifyChannel is the one PostgreSQL channel a schema's stores use; the
// store's own channel name travels in the payload, so any string is a
// channel and schemas never hear each other.
func notifyChannel(schema string) string {
	h := fnv.New64a()
	h.Write([]byte(schema))
	return "auth0gin_store_" + hex.EncodeToString(h.Sum(nil))
}

// encode packs a channel and a message into a NOTIFY payload (base64, so any
// bytes pass).
func encode(channel, message string) string {
	return base64.StdEncoding.EncodeToString([]byte(channel)) + "." + base64.StdEncoding.EncodeToString([]byte(message))
}

func decode(payload string) (channel, message string, err error) {
	c, m, ok := strings.Cut(payload, ".")
	if !ok {
		return "", "", errors.New("no separator")
	}
	cb, err := base64.StdEncoding.DecodeString(c)
	if err != nil {
		return "", "", err
	}
	mb, err := base64.StdEncoding.DecodeString(m)
	if err != nil {
		return "", "", err
	}
	return string(cb), string(mb), nil
}

// Publish sends message to the subscribers of channel in every instance on
// the schema (pg_notify); it is delivered to this instance's subscribers
// through its listener too. A message over about 5 KiB is refused.
func (s *backend) Publish(ctx context.Context, channel, message string) error {
	if s.closed() {
		return errClosed
	}
	payload := encode(channel, message)
	if len(payload) > maxPayload {
		return fmt.Errorf("postgres store: publish: %d bytes of channel and message are over NOTIFY's limit", len(channel)+len(message))
	}
	ctx, cancel := s.opCtx(ctx)
	defer cancel()
	_, err := s.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, s.listener.channel, payload)
	return check("publish", err)
}

// Subscribe calls fn for each message published on channel until stop is
// called or the store is closed. It returns once the store's listener
// connection is listening, so a message published after it returns is
// delivered; when the server cannot be reached in time it fails with
// auth0gin.ErrUnavailable. stop waits for a running fn, so fn must not call it.
func (s *backend) Subscribe(ctx context.Context, channel string, fn func(message string)) (func(), error) {
	if s.closed() {
		return nil, errClosed
	}
	ctx, cancel := s.opCtx(ctx)
	defer cancel()
	if err := s.listener.waitUp(ctx); err != nil {
		return nil, check("subscribe", err)
	}
	return s.hub.Subscribe(channel, fn), nil
}

// listener is a Store's LISTEN connection: started by the first Subscribe,
// reconnected with backoff when it fails, closed by Close.
type listener struct {
	s       *backend
	channel string

	mu      sync.Mutex
	started bool
	up      chan struct{} // closed while listening; replaced when the connection is lost
	lastErr error
}

func newListener(s *backend) *listener {
	return &listener{s: s, channel: notifyChannel(s.cfg.schema), up: make(chan struct{})}
}

// waitUp starts the listener if needed and waits until it listens.
func (l *listener) waitUp(ctx context.Context) error {
	l.mu.Lock()
	if !l.started {
		select {
		case <-l.s.done:
			l.mu.Unlock()
			return errClosed
		default:
		}
		l.started = true
		l.s.bg.Add(1)
		go l.run()
	}
	up := l.up
	l.mu.Unlock()
	select {
	case <-up:
		return nil
	case <-l.s.done:
		return errClosed
	case <-ctx.Done():
		l.mu.Lock()
		last := l.lastErr
		l.mu.Unlock()
		if last != nil {
			return fmt.Errorf("listener not connected: %w (last error: %w)", ctx.Err(), last)
		}
		return fmt.Errorf("listener not connected: %w", ctx.Err())
	}
}

func (l *listener) setUp(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case <-l.up:
		if err != nil { // was up: going down
			l.up = make(chan struct{})
		}
	default:
		if err == nil {
			close(l.up)
		}
	}
	l.lastErr = err
}

func (l *listener) run() {
	defer l.s.bg.Done()
	ctx := l.s.bgCtx
	const minBackoff, maxBackoff = 50 * time.Millisecond, 2 * time.Second
	backoff := minBackoff
	for ctx.Err() == nil {
		listened, err := l.session(ctx)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			err = errors.New("connection ended")
		}
		l.setUp(err)
		if listened {
			backoff = minBackoff
			l.s.cfg.logger.Warn("postgres store: listener connection lost; reconnecting", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// session connects, listens and delivers notifications until the connection
// fails. It reports whether it got as far as listening.
func (l *listener) session(ctx context.Context) (bool, error) {
	cfg := l.s.pool.Config().ConnConfig.Copy()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false, err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	lctx, cancel := context.WithTimeout(ctx, l.s.cfg.timeout)
	_, err = conn.Exec(lctx, "LISTEN "+pgx.Identifier{l.channel}.Sanitize())
	cancel()
	if err != nil {
		return false, err
	}
	l.setUp(nil)
	for {
		// Wake up now and then to check that the server is still there: a
		// silent network would otherwise leave the listener deaf.
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if ctx.Err() != nil {
			return true, nil
		}
		if err != nil {
			if !pgconn.Timeout(err) {
				return true, err
			}
			pctx, cancel := context.WithTimeout(ctx, l.s.cfg.timeout)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return true, err
			}
			continue
		}
		channel, message, err := decode(n.Payload)
		if err != nil {
			l.s.cfg.logger.Warn("postgres store: dropping a malformed notification", "error", err)
			continue
		}
		l.s.hub.Publish(channel, message)
	}
}
