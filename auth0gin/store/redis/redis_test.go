package redis_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/redis"
	"github.com/auth0gin/auth0gin/auth0gin/store/storetest"
	"github.com/auth0gin/auth0gin/internal/testenv"
	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
)

func TestConformance(t *testing.T) {
	prefix := storetest.PerTest(func(t *testing.T) string { return redistest.Prefix(t) })
	storetest.Run(t, func(t *testing.T, _ func() time.Time) store.Store {
		s, err := store.Open(t.Context(), redistest.WithPrefix(redistest.TestURL(), prefix(t)))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, storetest.WallClock())
}

// New puts a client of one's own behind the store, under the prefix given,
// and leaves the client open on Close.
func TestNew(t *testing.T) {
	prefix := redistest.Prefix(t)
	c := rawClient(t)
	s := redis.New(c, prefix)
	ctx := t.Context()
	if err := s.Set(ctx, "k", []byte("v"), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if v, err := redistest.OpenPrefix(t, prefix).Get(ctx, "k"); err != nil || string(v) != "v" {
		t.Fatalf("a store on the same prefix read %q, %v", v, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("Close closed the caller's client: %v", err)
	}
}

// The store's keys live under its prefix, and a value's TTL is the one asked for.
func TestPrefixAndTTL(t *testing.T) {
	prefix := redistest.Prefix(t)
	s := redistest.OpenPrefix(t, prefix)
	other := redistest.Open(t)
	ctx := t.Context()
	if err := s.Set(ctx, "k", []byte("v"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Get(ctx, "k"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a store with another prefix read the key: %v", err)
	}
	if err := s.AddMember(ctx, "set", "m", time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	c := rawClient(t)
	pttl, err := c.PTTL(ctx, prefix+"k:k").Result()
	if err != nil || pttl <= 59*time.Minute || pttl > time.Hour {
		t.Fatalf("PTTL of the value = %v, %v; want about an hour", pttl, err)
	}
	pttl, err = c.PTTL(ctx, prefix+"s:set").Result()
	if err != nil || pttl <= 0 || pttl > time.Minute {
		t.Fatalf("PTTL of the set = %v, %v; want its member's minute", pttl, err)
	}
}

// A server that stops answers ErrUnavailable (quickly: the dial, read and
// write timeouts are bounded), and the same store works again when the
// server is back, subscriptions included.
func TestServerDown(t *testing.T) {
	srv := testenv.StartRedis(t)
	s, err := store.Open(t.Context(), srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.Outage(t, s, func() {
		srv.Stop()
		if _, err := store.Open(t.Context(), srv.URL()); !errors.Is(err, auth0gin.ErrUnavailable) {
			t.Errorf("Open with the server down = %v, want ErrUnavailable", err)
		}
		if _, err := s.Subscribe(t.Context(), "x", func(string) {}); !errors.Is(err, auth0gin.ErrUnavailable) {
			t.Errorf("Subscribe with the server down = %v, want ErrUnavailable", err)
		}
	}, srv.Start)
}

// A server that stops answering (frozen, connections open) costs one
// timeout, not one per call: the first call waits out the read timeout, and
// every later call is refused at once with ErrUnavailable while one
// background probe retries; the store works again soon after the server
// resumes.
func TestServerHangs(t *testing.T) {
	srv := testenv.StartRedis(t)
	ctx := t.Context()
	s, err := store.Open(ctx, srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Set(ctx, "k", []byte("v"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	srv.Pause()
	defer srv.Resume()
	start := time.Now()
	_, err = s.Get(ctx, "k")
	t.Logf("the first Get against a frozen server failed after %v", time.Since(start).Round(time.Millisecond))
	if !errors.Is(err, auth0gin.ErrUnavailable) {
		t.Fatalf("Get against a frozen server = %v, want ErrUnavailable", err)
	}
	// The later calls, for 2s of hang, one every 10ms, on every operation.
	var lat []time.Duration
	later := time.Now().Add(time.Hour)
	ops := []func() error{
		func() error { _, err := s.Get(ctx, "k"); return err },
		func() error { return s.Set(ctx, "k", []byte("v"), later) },
		func() error { _, err := s.Incr(ctx, "n", later); return err },
		func() error { _, err := s.Members(ctx, "set"); return err },
		func() error { return s.Publish(ctx, "ch", "m") },
	}
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); {
		for _, op := range ops {
			t0 := time.Now()
			err := op()
			lat = append(lat, time.Since(t0))
			if !errors.Is(err, auth0gin.ErrUnavailable) {
				t.Fatalf("a call during the hang = %v, want ErrUnavailable", err)
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	slices.Sort(lat)
	p50, p99, worst := lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
	t.Logf("%d calls from the second on during the hang: p50 %v, p99 %v, max %v",
		len(lat), p50, p99, worst)
	if p99 > 100*time.Millisecond {
		t.Errorf("p99 of the calls after the first timeout = %v; want them refused at once", p99)
	}
	srv.Resume()
	resumed := time.Now()
	if err := testenv.Eventually(ctx, 15*time.Second, func() error { _, err := s.Get(ctx, "k"); return err }); err != nil {
		t.Fatalf("the store did not recover: %v", err)
	}
	t.Logf("the store answered again %v after SIGCONT", time.Since(resumed).Round(time.Millisecond))
}

func TestOpenBadURL(t *testing.T) {
	_, err := store.Open(t.Context(), "redis://user:s3cret-pass@127.0.0.1:notaport/0")
	if err == nil {
		t.Fatal("Open accepted a bad URL")
	}
	if contains(err.Error(), "s3cret-pass") {
		t.Fatalf("the error prints the password: %v", err)
	}
	_, err = store.Open(t.Context(), "redis://user:s3cret-pass@127.0.0.1:1/0")
	if !errors.Is(err, auth0gin.ErrUnavailable) || contains(err.Error(), "s3cret-pass") {
		t.Fatalf("Open of a closed port = %v; want ErrUnavailable without the password", err)
	}
}
