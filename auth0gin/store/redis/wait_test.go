package redis_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/internal/testenv"
)

// waiter is the optional method session and login call after a write that
// must survive a failover (ReplicaWait).
type waiter interface {
	WaitReplicas(ctx context.Context, key string, n int, timeout time.Duration) error
}

func open(t *testing.T, url string) waiter {
	t.Helper()
	s, err := store.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	w, ok := s.(waiter)
	if !ok {
		t.Fatalf("%T has no WaitReplicas", s)
	}
	if err := s.Set(t.Context(), "{s:1}rec", []byte("v"), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	return w
}

// With a replica, the write is confirmed; with none, the wait answers
// unavailable (a 503 for the flow) after its timeout, and the store is not
// refused for it afterwards (WAIT's deadline is no hung server).
func TestWaitReplicas(t *testing.T) {
	t.Run("sentinel", func(t *testing.T) {
		sn := testenv.StartRedisSentinel(t)
		if err := open(t, sn.URL()).WaitReplicas(t.Context(), "{s:1}rec", 1, 2*time.Second); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("cluster", func(t *testing.T) {
		cl := testenv.StartRedisCluster(t)
		w := open(t, cl.URL())
		if err := w.WaitReplicas(t.Context(), "{s:1}rec", 1, 2*time.Second); err != nil {
			t.Fatal(err)
		}
		if err := w.WaitReplicas(t.Context(), "nogroup", 1, time.Second); !errors.Is(err, auth0gin.ErrConfig) {
			t.Errorf("a key with no group on a cluster: %v, want ErrConfig", err)
		}
	})
	t.Run("no replica", func(t *testing.T) {
		srv := testenv.StartRedis(t)
		w := open(t, srv.URL())
		err := w.WaitReplicas(t.Context(), "{s:1}rec", 1, 200*time.Millisecond)
		if !errors.Is(err, auth0gin.ErrUnavailable) {
			t.Fatalf("no replica: %v, want ErrUnavailable", err)
		}
		if err := w.(store.Store).Set(t.Context(), "k", []byte("v"), time.Now().Add(time.Minute)); err != nil {
			t.Errorf("the store refuses after a WAIT that timed out: %v", err)
		}
	})
}

// A caller's own deadline (a request's timeout, a lock's budget) says
// nothing about the server: it must not trip the store for every other
// caller (review of issue 24: one expired request refused everyone).
func TestCallerDeadlineDoesNotTripTheStore(t *testing.T) {
	srv := testenv.StartRedis(t)
	s, err := store.Open(t.Context(), srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Set(t.Context(), "k", []byte("v"), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	expired, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	if _, err := s.Get(expired, "k"); err == nil {
		t.Fatal("a call with an expired context succeeded")
	}
	if v, err := s.Get(t.Context(), "k"); err != nil || string(v) != "v" {
		t.Fatalf("the next caller: %q, %v", v, err)
	}
}
