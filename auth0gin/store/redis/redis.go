package redis

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/internal/breaker"
	"github.com/auth0gin/auth0gin/auth0gin/store/internal/keygroup"
	"github.com/auth0gin/auth0gin/auth0gin/store/internal/redact"
	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

func init() {
	for _, scheme := range []string{"redis", "rediss"} {
		store.Register(scheme, openURL)
		store.Register(scheme+"+cluster", openURL)
		store.Register(scheme+"+sentinel", openURL)
	}
}

// backend is a store.Store on Redis. It is safe for concurrent use.
type backend struct {
	c       goredis.UniversalClient
	cluster bool // c is a *goredis.ClusterClient: groups are checked, pub/sub is sharded
	owned   bool // Close closes c
	prefix  string
	cfgErr  error // a prefix New cannot use: every operation returns it
	brk     *breaker.Breaker

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

// probeInterval is how long a tripped store waits between probes of a
// server that timed out (each probe bounded by the read timeout).
const probeInterval = 100 * time.Millisecond

// openURL connects to the Redis server, cluster or sentinel setup u names
// (see the package doc) and checks that it answers. An unreachable server is
// an error wrapping auth0gin.ErrUnavailable; errors never print the URL's
// password.
func openURL(ctx context.Context, u *url.URL) (store.Store, error) {
	rawURL := u.String()
	q, err := redact.Query(u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("redis store: %s: %w", redact.URL(rawURL), err)
	}
	prefix := defaultPrefix
	if q.Has("key_prefix") {
		prefix = q.Get("key_prefix")
		q.Del("key_prefix")
	}
	if err := checkPrefix(prefix); err != nil {
		return nil, fmt.Errorf("redis store: %s: %w", redact.URL(rawURL), err)
	}
	// Our defaults, unless the URL sets its own.
	set := func(name string, d time.Duration) {
		if !q.Has(name) {
			q.Set(name, d.String())
		}
	}
	set("dial_timeout", defaultTimeout)
	set("read_timeout", defaultTimeout)
	set("write_timeout", defaultTimeout)
	set("pool_timeout", 2*defaultTimeout)
	if !q.Has("max_retries") {
		q.Set("max_retries", "1")
	}
	// go-redis dials up to 5 times 100ms apart by default: an outage would
	// take half a second per attempt to report.
	dialerRetries := func(n *int) {
		if !q.Has("dialer_retries") {
			*n = 1
		}
	}
	v := *u
	v.Scheme, _, _ = strings.Cut(strings.ToLower(u.Scheme), "+")
	v.RawQuery = q.Encode()
	bad := func(err error) error {
		return fmt.Errorf("%w: redis store: %s: %w", auth0gin.ErrConfig, redact.URL(rawURL), redact.Error(err, rawURL))
	}
	var client goredis.UniversalClient
	switch _, kind, _ := strings.Cut(strings.ToLower(u.Scheme), "+"); kind {
	case "cluster":
		o, err := goredis.ParseClusterURL(v.String())
		if err != nil {
			return nil, bad(err)
		}
		if p := strings.Trim(u.Path, "/"); p != "" && p != "0" {
			return nil, bad(errors.New("a cluster has database 0 only"))
		}
		dialerRetries(&o.DialerRetries)
		o.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
		client = goredis.NewClusterClient(o)
	case "sentinel":
		o, err := goredis.ParseFailoverURL(v.String())
		if err != nil {
			return nil, bad(err)
		}
		if o.MasterName == "" {
			return nil, bad(errors.New("a sentinel URL needs master_name"))
		}
		dialerRetries(&o.DialerRetries)
		client = goredis.NewFailoverClient(o)
	default:
		o, err := goredis.ParseURL(v.String())
		if err != nil {
			return nil, bad(err)
		}
		dialerRetries(&o.DialerRetries)
		// A plain server has no maintenance notifications to offer.
		o.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
		client = goredis.NewClient(o)
	}
	s := newBackend(client, prefix)
	s.owned = true
	if err := s.c.Ping(ctx).Err(); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("redis store: %s: %w", redact.URL(rawURL), wrap(err))
	}
	return s, nil
}

// checkPrefix refuses a key prefix with a brace: it would take part in the
// {group} of every key (see package store), so that keys of one group could
// land on different nodes of a cluster, or every key on one.
func checkPrefix(prefix string) error {
	if strings.ContainsAny(prefix, "{}") {
		return fmt.Errorf("%w: the key prefix %q has a brace: braces mark key groups", auth0gin.ErrConfig, prefix)
	}
	return nil
}

// New returns a store on a client the caller configured (a
// *goredis.ClusterClient, a failover client of a sentinel setup, custom
// TLS), with every key, set and channel under keyPrefix (store.Open's
// default is "auth0gin:"; give each app its own). A keyPrefix with a brace
// is refused: every operation fails with an error wrapping
// auth0gin.ErrConfig. Close stops the store but does not close client. Set
// short timeouts on it: an outage should be reported, not waited out.
func New(client goredis.UniversalClient, keyPrefix string) store.Store {
	s := newBackend(client, keyPrefix)
	s.cfgErr = checkPrefix(keyPrefix)
	return s
}

func newBackend(client goredis.UniversalClient, prefix string) *backend {
	_, cluster := client.(*goredis.ClusterClient)
	return &backend{
		c: client, cluster: cluster, prefix: prefix,
		brk:  breaker.New("redis store", probeInterval),
		subs: map[*subscription]struct{}{},
	}
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
	s.brk.Close()
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

// begin is what every operation asks first: an error when the store is
// closed or misconfigured, or refuses calls since one timed out.
func (s *backend) begin(op string) error {
	if s.isClosed() {
		return fmt.Errorf("redis store: %s: %w", op, errClosed)
	}
	if s.cfgErr != nil {
		return fmt.Errorf("redis store: %s: %w", op, s.cfgErr)
	}
	if err := s.brk.Allow(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// done maps an operation's error for its caller (see check), and trips the
// breaker when the server did not answer in time: later calls are refused
// at once while a probe of the key's node (EXISTS key) retries.
func (s *backend) done(ctx context.Context, op, key string, err error) error {
	if err == nil {
		return nil
	}
	// The caller's own deadline or cancellation (a request's timeout, a
	// lock's budget) says nothing about the server: only a timeout the
	// caller did not cause trips the store for everyone.
	if timedOut(err) && ctx.Err() == nil {
		s.brk.Trip(err, func(ctx context.Context) error {
			// A cluster client learns a new slot map only from a MOVED
			// or every minute: a master that hangs sends no MOVED, so ask
			// for the map again, or the probe would wait a minute for the
			// replica that took over.
			if cc, ok := s.c.(*goredis.ClusterClient); ok {
				cc.ReloadState(ctx)
			}
			return s.c.Exists(ctx, key).Err()
		})
	}
	return check(op, err)
}

// timedOut reports whether err is the client's own timeout: a read, write
// or dial that got no answer in time, or no free connection in the pool
// (every one waiting on a server that does not answer).
func timedOut(err error) bool {
	var ne net.Error
	return (errors.As(err, &ne) && ne.Timeout()) || errors.Is(err, goredis.ErrPoolTimeout)
}

// oneGroup refuses, on a cluster, keys of several groups (see package
// store): Redis would answer CROSSSLOT, after which nothing is written.
// Keys are not printed: they may hold session ids.
func (s *backend) oneGroup(op string, keys []string) error {
	if !s.cluster {
		return nil
	}
	a, b, ok := keygroup.Split(keys)
	if ok {
		return nil
	}
	ia, ib := slices.Index(keys, a), slices.Index(keys, b)
	return fmt.Errorf("redis store: %s: %w: keys %d and %d of %d are in different groups; a cluster needs one {group} per call",
		op, auth0gin.ErrConfig, ia+1, ib+1, len(keys))
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
