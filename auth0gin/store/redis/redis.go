package redis

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/internal/redact"
	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// Store is a store.Store on Redis. It is safe for concurrent use.
type Store struct {
	c      goredis.UniversalClient
	owned  bool // Close closes c
	prefix string

	mu     sync.Mutex
	subs   map[*subscription]struct{}
	closed bool
}

var _ store.Store = (*Store)(nil)

// Option configures Open and New.
type Option func(*Store)

// WithKeyPrefix puts every key, set and channel of the store under prefix
// (default "auth0gin:"): give each app, or each test, its own.
func WithKeyPrefix(prefix string) Option {
	return func(s *Store) { s.prefix = prefix }
}

// DefaultTimeout is the dial, read and write timeout Open uses unless the URL
// sets its own (dial_timeout, read_timeout, write_timeout).
const DefaultTimeout = time.Second

// Open connects to the Redis server at rawURL (redis://[user:password@]host:port/db
// or rediss:// for TLS; go-redis's URL options apply) and checks that it
// answers. An unreachable server is an error wrapping store.ErrUnavailable;
// errors never print the URL's password.
func Open(ctx context.Context, rawURL string, opts ...Option) (*Store, error) {
	o, err := goredis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("redis store: %s: %w", redact.URL(rawURL), redact.Error(err, rawURL))
	}
	q := url.Values{}
	if u, err := url.Parse(rawURL); err == nil {
		q = u.Query()
	}
	if !q.Has("dial_timeout") {
		o.DialTimeout = DefaultTimeout
	}
	if !q.Has("read_timeout") {
		o.ReadTimeout = DefaultTimeout
	}
	if !q.Has("write_timeout") {
		o.WriteTimeout = DefaultTimeout
	}
	if !q.Has("pool_timeout") {
		o.PoolTimeout = 2 * DefaultTimeout
	}
	if !q.Has("max_retries") {
		o.MaxRetries = 1
	}
	// go-redis dials up to 5 times 100ms apart by default: an outage would
	// take half a second per attempt to report.
	o.DialerRetries = 1
	// A plain server has no maintenance notifications to offer.
	o.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	s := New(goredis.NewClient(o), opts...)
	s.owned = true
	if err := s.c.Ping(ctx).Err(); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("redis store: %s: %w", redact.URL(rawURL), wrap(err))
	}
	return s, nil
}

// New returns a store on a client the caller configured (a cluster, a
// sentinel setup, custom TLS). Close does not close client. Set short
// timeouts on it: an outage should be reported, not waited out.
func New(client goredis.UniversalClient, opts ...Option) *Store {
	s := &Store{c: client, prefix: "auth0gin:", subs: map[*subscription]struct{}{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Close stops every subscription and, for a store from Open, closes its
// connections. Later calls do nothing.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	subs := s.subs
	s.subs = nil
	s.mu.Unlock()
	for sub := range subs {
		sub.stop()
	}
	if s.owned {
		return s.c.Close()
	}
	return nil
}

func (s *Store) key(k string) string     { return s.prefix + "k:" + k }
func (s *Store) set(k string) string     { return s.prefix + "s:" + k }
func (s *Store) channel(k string) string { return s.prefix + "c:" + k }

// errClosed is returned by every operation after Close.
var errClosed = errors.New("redis store: closed")

func (s *Store) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// wrap marks what is not an answer from a working server (a refused or
// broken connection, a timeout, a canceled context, a server still loading
// or failing over) with store.ErrUnavailable; a server's plain error reply
// is returned as it is.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	var reply goredis.Error
	if errors.As(err, &reply) {
		if goredis.IsLoadingError(err) || goredis.IsReadOnlyError(err) || goredis.IsMasterDownError(err) ||
			goredis.IsClusterDownError(err) || goredis.IsTryAgainError(err) || goredis.IsMaxClientsError(err) {
			return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
		}
		return err
	}
	if errors.Is(err, goredis.ErrClosed) {
		return errClosed
	}
	return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
}

func check(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("redis store: %s: %w", op, wrap(err))
}

// ttl is how long from now until expiresAt, cut to whole milliseconds (so
// Redis drops a value no later than expiresAt); 0 when less than a
// millisecond is left.
func ttl(expiresAt time.Time) time.Duration {
	d := time.Until(expiresAt).Truncate(time.Millisecond)
	if d <= 0 {
		return 0
	}
	return d
}
