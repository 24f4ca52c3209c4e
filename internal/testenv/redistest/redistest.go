// Package redistest opens redis stores for tests: on the shared Redis server
// under a key prefix of the test's own, removed when the test ends, or on a
// redis-server the test starts itself to break.
//
//	import "github.com/auth0gin/auth0gin/internal/testenv/redistest"
//
// The shared server is STORETEST_REDIS_URL, or redis://127.0.0.1:6379/0. Without it a
// test is skipped, or failed under CI (see testenv.Unavailable).
package redistest

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/redis" // redis:// URLs
	"github.com/auth0gin/auth0gin/internal/testenv"
	goredis "github.com/redis/go-redis/v9"
)

// URL is the shared Redis server's URL: $STORETEST_REDIS_URL or redis://127.0.0.1:6379/0.
func URL() string {
	if u := os.Getenv("STORETEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// Prefix returns a key prefix of t's own on the shared server, whose keys
// are deleted when t ends. It skips t (fails it under CI) when the server
// does not answer.
func Prefix(t testing.TB) string {
	t.Helper()
	o, err := goredis.ParseURL(URL())
	if err != nil {
		t.Fatal(err)
	}
	o.DialTimeout = time.Second
	o.DialerRetries = 1 // a missing server is told at once, not after go-redis's five dials
	o.MaxRetries = -1
	c := goredis.NewClient(o)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		testenv.Unavailable(t, "redis at %s: %v", URL(), err)
	}
	prefix := testenv.KeyPrefix(t)
	t.Cleanup(func() {
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		// The prefix is made of [a-z0-9_:] only: no glob characters to escape.
		iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Logf("redistest: listing %s*: %v", prefix, err)
			return
		}
		if len(keys) > 0 {
			if err := c.Del(ctx, keys...).Err(); err != nil {
				t.Logf("redistest: deleting %d keys of %s: %v", len(keys), prefix, err)
			}
		}
	})
	return prefix
}

// Open opens a store on the shared server under a prefix of t's own (see
// Prefix), closed when t ends.
func Open(t testing.TB) store.Store {
	t.Helper()
	return OpenPrefix(t, Prefix(t))
}

// TestURL is URL with read and write timeouts long enough that a loaded test
// machine is not taken for an outage (unless URL sets its own); a connection
// refused is still reported at once. Fault tests use a server of their own
// (testenv.StartRedis) with the default timeouts.
func TestURL() string {
	u := URL()
	if strings.Contains(u, "read_timeout=") || strings.Contains(u, "write_timeout=") {
		return u
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + "read_timeout=10s&write_timeout=10s"
}

// OpenPrefix opens a store on the shared server (TestURL) under prefix,
// closed when t ends: two stores with one prefix are two instances of an app.
func OpenPrefix(t testing.TB, prefix string) store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), WithPrefix(TestURL(), prefix))
	if err != nil {
		testenv.Unavailable(t, "redis at %s: %v", URL(), err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// WithPrefix is the redis URL u with key_prefix set to prefix.
func WithPrefix(u, prefix string) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + "key_prefix=" + url.QueryEscape(prefix)
}
