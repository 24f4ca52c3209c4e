package redis

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/internal/redact"
	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

func init() {
	store.Register("redis", openURL)
	store.Register("rediss", openURL)
}

// backend is a store.Store on Redis. It is safe for concurrent use.
type backend struct {
	c      goredis.UniversalClient
	owned  bool // Close closes c
	prefix string

	mu     sync.Mutex
	subs   map[*subscription]struct{}
	closed bool
}

var _ store.Store = (*backend)(nil)

// defaultPrefix is the key prefix of a URL without key_prefix.
const defaultPrefix = "auth0gin:"

// defaultTimeout is the dial, read and write timeout of a URL that sets none
// of its own (dial_timeout, read_timeout, write_timeout).
const defaultTimeout = time.Second

// openURL connects to the Redis server u names (see the package doc) and
// checks that it answers. An unreachable server is an error wrapping
// auth0gin.ErrUnavailable; errors never print the URL's password.
func openURL(ctx context.Context, u *url.URL) (store.Store, error) {
	rawURL := u.String()
	q := u.Query()
	prefix := defaultPrefix
	if q.Has("key_prefix") {
		prefix = q.Get("key_prefix")
		q.Del("key_prefix")
		v := *u
		v.RawQuery = q.Encode()
		u = &v
	}
	o, err := goredis.ParseURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("%w: redis store: %s: %w", auth0gin.ErrConfig, redact.URL(rawURL), redact.Error(err, rawURL))
	}
	if !q.Has("dial_timeout") {
		o.DialTimeout = defaultTimeout
	}
	if !q.Has("read_timeout") {
		o.ReadTimeout = defaultTimeout
	}
	if !q.Has("write_timeout") {
		o.WriteTimeout = defaultTimeout
	}
	if !q.Has("pool_timeout") {
		o.PoolTimeout = 2 * defaultTimeout
	}
	if !q.Has("max_retries") {
		o.MaxRetries = 1
	}
	// go-redis dials up to 5 times 100ms apart by default: an outage would
	// take half a second per attempt to report.
	o.DialerRetries = 1
	// A plain server has no maintenance notifications to offer.
	o.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	s := newBackend(goredis.NewClient(o), prefix)
	s.owned = true
	if err := s.c.Ping(ctx).Err(); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("redis store: %s: %w", redact.URL(rawURL), wrap(err))
	}
	return s, nil
}

// New returns a store on a client the caller configured (a cluster, a
// sentinel setup, custom TLS), with every key, set and channel under
// keyPrefix (store.Open's default is "auth0gin:"; give each app its own).
// Close does not close client. Set short timeouts on it: an outage should be
// reported, not waited out.
func New(client goredis.UniversalClient, keyPrefix string) store.Store {
	return newBackend(client, keyPrefix)
}

func newBackend(client goredis.UniversalClient, prefix string) *backend {
	return &backend{c: client, prefix: prefix, subs: map[*subscription]struct{}{}}
}

// Close stops every subscription and, for a store from a URL, closes its
// connections. Later calls do nothing.
func (s *backend) Close() error {
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

func (s *backend) key(k string) string     { return s.prefix + "k:" + k }
func (s *backend) set(k string) string     { return s.prefix + "s:" + k }
func (s *backend) channel(k string) string { return s.prefix + "c:" + k }

// errClosed is returned by every operation after Close.
var errClosed = errors.New("redis store: closed")

func (s *backend) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// wrap marks what is not an answer from a working server (a refused or
// broken connection, a timeout, a canceled context, a server still loading
// or failing over) with auth0gin.ErrUnavailable; a server's plain error reply
// is returned as it is.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	var reply goredis.Error
	if errors.As(err, &reply) {
		if goredis.IsLoadingError(err) || goredis.IsReadOnlyError(err) || goredis.IsMasterDownError(err) ||
			goredis.IsClusterDownError(err) || goredis.IsTryAgainError(err) || goredis.IsMaxClientsError(err) {
			return fmt.Errorf("%w: %w", auth0gin.ErrUnavailable, err)
		}
		return err
	}
	if errors.Is(err, goredis.ErrClosed) {
		return errClosed
	}
	return fmt.Errorf("%w: %w", auth0gin.ErrUnavailable, err)
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
