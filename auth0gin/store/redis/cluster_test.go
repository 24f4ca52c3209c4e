package redis_test

import (
	"errors"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/redis"
	"github.com/auth0gin/auth0gin/auth0gin/store/storetest"
	"github.com/auth0gin/auth0gin/internal/testenv"
	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
	goredis "github.com/redis/go-redis/v9"
)

// slowOK are the timeouts of the conformance stores: long enough that a
// loaded test machine is not taken for an outage.
const slowOK = "&read_timeout=10s&write_timeout=10s"

// The conformance suite on a three-master cluster with replicas, opened by
// URL (redis+cluster://, go-redis's ParseClusterURL form).
func TestClusterConformance(t *testing.T) {
	c := testenv.StartRedisCluster(t)
	prefix := storetest.PerTest(func(t *testing.T) string { return testenv.KeyPrefix(t) })
	storetest.Run(t, func(t *testing.T, _ func() time.Time) store.Store {
		s, err := store.Open(t.Context(), redistest.WithPrefix(c.URL()+slowOK, prefix(t)))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, storetest.WallClock())
}

// New on a *goredis.ClusterClient: the suite again (the Close case proves
// that the store refuses work after Close, though the caller's client stays
// open), and a cross-group SetMany refused with ErrConfig, not CROSSSLOT.
func TestClusterNew(t *testing.T) {
	c := testenv.StartRedisCluster(t)
	client := goredis.NewClusterClient(&goredis.ClusterOptions{
		Addrs: c.Addrs(), ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second,
	})
	t.Cleanup(func() { _ = client.Close() })
	prefix := storetest.PerTest(func(t *testing.T) string { return testenv.KeyPrefix(t) })
	storetest.Run(t, func(t *testing.T, _ func() time.Time) store.Store {
		return redis.New(client, prefix(t))
	}, storetest.WallClock())

	s := redis.New(client, testenv.KeyPrefix(t))
	defer s.Close()
	later := time.Now().Add(time.Minute)
	err := s.SetMany(t.Context(), store.Entry{Key: "{a}1", ExpiresAt: later}, store.Entry{Key: "{b}2", ExpiresAt: later})
	if !errors.Is(err, auth0gin.ErrConfig) || contains(err.Error(), "CROSSSLOT") {
		t.Fatalf("cross-group SetMany on a cluster = %v; want ErrConfig, not CROSSSLOT", err)
	}
	if err := client.Ping(t.Context()).Err(); err != nil {
		t.Fatal(err)
	}
	if bad := redis.New(client, "app{x}:"); bad != nil {
		if _, err := bad.Get(t.Context(), "k"); !errors.Is(err, auth0gin.ErrConfig) {
			t.Fatalf("a prefix with a brace = %v, want ErrConfig", err)
		}
	}
}
