package storetest

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

func mustIncr(t *testing.T, st store.Store, key string, exp time.Time, want int64) {
	t.Helper()
	n, err := st.Incr(ctx(t), key, exp)
	if err != nil || n != want {
		t.Fatalf("Incr(%q) = %d, %v; want %d", key, n, err, want)
	}
}

func (s *suite) testIncr(t *testing.T) {
	st := s.open(t)
	for want := int64(1); want <= 3; want++ {
		mustIncr(t, st, "n", s.later(), want)
	}
	// The counter is a value: its count in decimal.
	mustGet(t, st, "n", []byte("3"))
	if !s.single {
		mustIncr(t, s.second(t), "n", s.later(), 4)
	}
	mustSet(t, st, "set", []byte("41"), s.later())
	mustIncr(t, st, "set", s.later(), 42)
	if err := st.Delete(ctx(t), "n"); err != nil {
		t.Fatal(err)
	}
	mustIncr(t, st, "n", s.later(), 1)
	mustIncr(t, st, "{g}n\x00é", s.later(), 1)
	// An expiry not in the future on a new counter: 1, and nothing stored.
	mustIncr(t, st, "past", s.now().Add(-time.Minute), 1)
	mustMiss(t, st, "past")
	mustIncr(t, st, "past", s.now().Add(-time.Minute), 1)
}

// The call that creates a counter gives it its expiry; later calls never move
// it (a fixed window); after it the count starts again at 1.
func (s *suite) testIncrExpiry(t *testing.T) {
	st := s.open(t)
	exp := s.soon()
	mustIncr(t, st, "n", exp, 1)
	n, err := st.Incr(ctx(t), "n", s.later()) // later expiry: not taken
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 && !s.expired(exp) {
		t.Fatalf("second Incr = %d, want 2", n)
	}
	s.pass(exp)
	mustMiss(t, st, "n")
	mustIncr(t, st, "n", s.later(), 1)
	mustIncr(t, st, "n", s.soon(), 2)
}

// Incr of a value that is no counter fails, as neither a miss nor an outage,
// and leaves the value.
func (s *suite) testIncrNotCounter(t *testing.T) {
	st := s.open(t)
	for _, v := range []string{"abc", "", "07", "1.5", " 1", "\xff"} {
		mustSet(t, st, "k", []byte(v), s.later())
		n, err := st.Incr(ctx(t), "k", s.later())
		if err == nil || errors.Is(err, store.ErrNotFound) || errors.Is(err, auth0gin.ErrUnavailable) {
			t.Fatalf("Incr of %q = %d, %v; want an error of its own", v, n, err)
		}
		mustGet(t, st, "k", []byte(v))
	}
}

// N concurrent Incrs, through two instances when there can be two, count
// exactly N: each of 1..N is returned once.
func (s *suite) testIncrConcurrent(t *testing.T) {
	stores := []store.Store{s.open(t)}
	if !s.single {
		stores = append(stores, s.second(t))
	}
	const n = 64
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		got []int64
	)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			v, err := stores[i%len(stores)].Incr(ctx(t), "{rate}n", s.later())
			if err != nil {
				t.Errorf("Incr: %v", err)
				return
			}
			mu.Lock()
			got = append(got, v)
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	slices.Sort(got)
	for i, v := range got {
		if v != int64(i+1) {
			t.Fatalf("%d concurrent Incrs returned %v; want each of 1..%d once", n, got, n)
		}
	}
	if len(got) != n {
		t.Fatalf("%d of %d Incrs succeeded", len(got), n)
	}
	mustGet(t, stores[0], "{rate}n", []byte("64"))
}
