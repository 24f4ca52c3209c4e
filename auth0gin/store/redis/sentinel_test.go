package redis_test

import (
	"errors"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/storetest"
	"github.com/auth0gin/auth0gin/internal/testenv"
	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
	goredis "github.com/redis/go-redis/v9"
)

// The conformance suite through three sentinels (redis+sentinel://, go-redis's
// ParseFailoverURL form), then a failover the same store follows.
func TestSentinel(t *testing.T) {
	sn := testenv.StartRedisSentinel(t)
	prefix := storetest.PerTest(func(t *testing.T) string { return testenv.KeyPrefix(t) })
	storetest.Run(t, func(t *testing.T, _ func() time.Time) store.Store {
		s, err := store.Open(t.Context(), redistest.WithPrefix(sn.URL()+slowOK, prefix(t)))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, storetest.WallClock())

	t.Run("Failover", func(t *testing.T) {
		ctx := t.Context()
		s, err := store.Open(ctx, sn.URL())
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Set(ctx, "k", []byte("before"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		heard := make(chan string, 100)
		stop, err := s.Subscribe(ctx, "ch", func(m string) { heard <- m })
		if err != nil {
			t.Fatal(err)
		}
		defer stop()
		// Wait for the replica to hold the value, so that the failover
		// cannot lose it (replication is asynchronous).
		rc := goredis.NewClient(&goredis.Options{Addr: sn.Replica.Addr()})
		defer rc.Close()
		if err := testenv.Eventually(ctx, 10*time.Second, func() error {
			return rc.Get(ctx, "auth0gin:k:k").Err()
		}); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		now := sn.Failover(t)
		t.Logf("every sentinel names the new primary %v after SENTINEL FAILOVER", time.Since(start).Round(time.Millisecond))
		if now != sn.Replica.Addr() {
			t.Fatalf("the sentinels name %s, want the replica %s", now, sn.Replica.Addr())
		}
		failed := 0
		err = testenv.Eventually(ctx, 15*time.Second, func() error {
			err := s.Set(ctx, "k2", []byte("after"), time.Now().Add(time.Hour))
			if err != nil {
				failed++
			}
			return err
		})
		if err != nil {
			t.Fatalf("the store did not follow the failover: %v", err)
		}
		t.Logf("writes work again %v after SENTINEL FAILOVER (%d failed tries, 50ms apart)", time.Since(start).Round(time.Millisecond), failed)
		if v, err := s.Get(ctx, "k"); err != nil || string(v) != "before" {
			t.Fatalf("Get after the failover = %q, %v", v, err)
		}
		if v, err := rc.Get(ctx, "auth0gin:k:k2").Result(); err != nil || v != "after" {
			t.Fatalf("the write after the failover is not on the new primary: %q, %v", v, err)
		}
		// go-redis moves a subscription to the new primary through its
		// health check (a ping every 3s, 5s to answer): about 10s here.
		err = testenv.Eventually(ctx, 30*time.Second, func() error {
			if err := s.Publish(ctx, "ch", "after"); err != nil {
				return err
			}
			select {
			case <-heard:
				return nil
			case <-time.After(100 * time.Millisecond):
				return errors.New("the subscription heard nothing yet")
			}
		})
		if err != nil {
			t.Fatalf("the subscription did not follow the failover: %v", err)
		}
		t.Logf("the subscription hears again %v after SENTINEL FAILOVER", time.Since(start).Round(time.Millisecond))
	})
}
