package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
)

func (s *suite) testGetMissing(t *testing.T) {
	st := s.open(t)
	mustMiss(t, st, "missing")
}

func (s *suite) testSetGet(t *testing.T) {
	st := s.open(t)
	mustSet(t, st, "k", []byte("v"), s.later())
	mustGet(t, st, "k", []byte("v"))
	mustMiss(t, st, "k2")
	// The empty value is a value, not an absence.
	mustSet(t, st, "empty", []byte{}, s.later())
	mustGet(t, st, "empty", nil)
	mustSet(t, st, "nil", nil, s.later())
	mustGet(t, st, "nil", nil)
}

func (s *suite) testSetReplaces(t *testing.T) {
	st := s.open(t)
	mustSet(t, st, "k", []byte("one"), s.later())
	mustSet(t, st, "k", []byte("two"), s.later())
	mustGet(t, st, "k", []byte("two"))
	// Replacing also replaces the expiry, earlier as well as later.
	exp := s.soon()
	mustSet(t, st, "k", []byte("three"), exp)
	s.pass(exp)
	mustMiss(t, st, "k")
}

func (s *suite) testValuesAreCopied(t *testing.T) {
	st := s.open(t)
	in := []byte("original")
	mustSet(t, st, "k", in, s.later())
	copy(in, "CHANGED!")
	got, err := st.Get(ctx(t), "k")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "original" {
		t.Fatalf("the store kept the caller's slice: %q", got)
	}
	copy(got, "CHANGED!")
	mustGet(t, st, "k", []byte("original"))
}

func (s *suite) testDelete(t *testing.T) {
	st := s.open(t)
	// Several keys in one Delete share one group (see package store).
	for _, k := range []string{"{d}a", "{d}b", "{d}c"} {
		mustSet(t, st, k, []byte(k), s.later())
	}
	if err := st.Delete(ctx(t), "{d}a", "{d}b", "{d}never-set"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	mustMiss(t, st, "{d}a")
	mustMiss(t, st, "{d}b")
	mustGet(t, st, "{d}c", []byte("{d}c"))
	if err := st.Delete(ctx(t)); err != nil {
		t.Fatalf("Delete of no keys: %v", err)
	}
	if err := st.Delete(ctx(t), "never-set"); err != nil {
		t.Fatalf("Delete of a missing key: %v", err)
	}
}

func (s *suite) testAdd(t *testing.T) {
	st := s.open(t)
	ok, err := st.Add(ctx(t), "k", []byte("first"), s.later())
	if err != nil || !ok {
		t.Fatalf("Add on an empty key = %v, %v; want true", ok, err)
	}
	ok, err = st.Add(ctx(t), "k", []byte("second"), s.later())
	if err != nil || ok {
		t.Fatalf("Add on a live key = %v, %v; want false", ok, err)
	}
	mustGet(t, st, "k", []byte("first"))
	if err := st.Delete(ctx(t), "k"); err != nil {
		t.Fatal(err)
	}
	ok, err = st.Add(ctx(t), "k", []byte("third"), s.later())
	if err != nil || !ok {
		t.Fatalf("Add after Delete = %v, %v; want true", ok, err)
	}
	mustGet(t, st, "k", []byte("third"))
}

func (s *suite) testExpiry(t *testing.T) {
	st := s.open(t)
	exp := s.soon()
	mustSet(t, st, "short", []byte("v"), exp)
	mustSet(t, st, "long", []byte("v"), s.later())
	s.outlive(t, st, "short", []byte("v"), exp)
	mustGet(t, st, "long", []byte("v"))
	if s.clock != nil {
		// Exactly at its expiry a value is gone: it lives until, not through.
		at := s.now().Add(shortTTL)
		mustSet(t, st, "edge", []byte("v"), at)
		s.clock.Advance(at.Sub(s.clock.Now()))
		mustMiss(t, st, "edge")
	}
}

// outlive checks that key holds want until exp (unless exp is reached before
// the look), then moves time past exp and checks that key holds nothing.
func (s *suite) outlive(t *testing.T, st store.Store, key string, want []byte, exp time.Time) {
	t.Helper()
	if got, err := st.Get(ctx(t), key); err != nil || string(got) != string(want) {
		if !s.expired(exp) {
			t.Fatalf("Get(%q) before expiry = %s, %v; want %s", key, short(got), err, short(want))
		}
	}
	s.pass(exp)
	mustMiss(t, st, key)
}

func (s *suite) testNotFuture(t *testing.T) {
	st := s.open(t)
	past := s.now().Add(-shortTTL)
	mustSet(t, st, "k", []byte("live"), s.later())
	mustSet(t, st, "k", []byte("dead"), past)
	mustMiss(t, st, "k")
	ok, err := st.Add(ctx(t), "k2", []byte("dead"), past)
	if err != nil || ok {
		t.Fatalf("Add with an expiry in the past = %v, %v; want false", ok, err)
	}
	mustMiss(t, st, "k2")
}

func (s *suite) testAddAfterExpiry(t *testing.T) {
	st := s.open(t)
	exp := s.soon()
	ok, err := st.Add(ctx(t), "lock", []byte("a"), exp)
	if err != nil || (!ok && !s.expired(exp)) {
		t.Fatalf("Add = %v, %v; want true", ok, err)
	}
	s.pass(exp)
	ok, err = st.Add(ctx(t), "lock", []byte("b"), s.later())
	if err != nil || !ok {
		t.Fatalf("Add over an expired value = %v, %v; want true", ok, err)
	}
	mustGet(t, st, "lock", []byte("b"))
}

// addRace lets n goroutines Add the same key through stores and checks that
// exactly one wins, and that the value stored is the winner's.
func (s *suite) addRace(t *testing.T, stores []store.Store, key string) {
	t.Helper()
	const n = 16
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []int
		errs    []error
	)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ok, err := stores[i%len(stores)].Add(ctx(t), key, fmt.Appendf(nil, "%d", i), s.later())
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			if ok {
				winners = append(winners, i)
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("Add errors: %v", errs)
	}
	if len(winners) != 1 {
		t.Fatalf("%d goroutines won the Add of %q, want exactly 1: %v", len(winners), key, winners)
	}
	mustGet(t, stores[0], key, fmt.Appendf(nil, "%d", winners[0]))
}

func (s *suite) testAddConcurrent(t *testing.T) {
	st := s.open(t)
	for i := range 5 {
		s.addRace(t, []store.Store{st}, fmt.Sprintf("race%d", i))
	}
	// Over an expired value the race has one winner too.
	exp := s.soon()
	mustSet(t, st, "expired-race", []byte("old"), exp)
	s.pass(exp)
	s.addRace(t, []store.Store{st}, "expired-race")
}

func (s *suite) testAddConcurrentInstances(t *testing.T) {
	a := s.open(t)
	b := s.second(t)
	for i := range 5 {
		s.addRace(t, []store.Store{a, b}, fmt.Sprintf("race%d", i))
	}
}

func (s *suite) testBinaryValues(t *testing.T) {
	st := s.open(t)
	all := make([]byte, 0, 512)
	for i := range 256 {
		all = append(all, byte(i))
	}
	all = append(all, 0, 0, 0xff, 0)
	values := map[string][]byte{
		"all-bytes":  all,
		"nul":        {0},
		"nuls":       {0, 0, 0},
		"nul-inside": []byte("a\x00b"),
		"not-utf8":   {0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1},
	}
	for k, v := range values {
		mustSet(t, st, k, v, s.later())
	}
	for k, v := range values {
		mustGet(t, st, k, v)
	}
}

func (s *suite) testLargeValue(t *testing.T) {
	st := s.open(t)
	big := make([]byte, 4<<20)
	if _, err := rand.Read(big); err != nil {
		t.Fatal(err)
	}
	mustSet(t, st, "big", big, s.later())
	got, err := st.Get(ctx(t), "big")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, big) {
		t.Fatalf("a 4 MiB value came back different (%d bytes)", len(got))
	}
}

// oddStrings are keys, set names and members that a careless backend would
// mangle: SQL wildcards, Redis glob characters, separators, NUL, non-ASCII.
var oddStrings = []string{
	"",
	" ",
	"with space",
	"a\x00b",
	"a",
	"\x00",
	"%_*?[]\\'\"`;--",
	"x:y:z",
	"line\nbreak\ttab\r",
	"ключ 鍵 🔑",
	"\xff\xfe not utf-8",
	"DROP TABLE kv;",
	strings.Repeat("k", 1000),
}

func (s *suite) testOddKeys(t *testing.T) {
	st := s.open(t)
	for i, k := range oddStrings {
		mustSet(t, st, k, fmt.Appendf(nil, "value %d", i), s.later())
	}
	for i, k := range oddStrings {
		mustGet(t, st, k, fmt.Appendf(nil, "value %d", i))
	}
	if err := st.Delete(ctx(t), "a\x00b"); err != nil {
		t.Fatal(err)
	}
	mustMiss(t, st, "a\x00b")
	mustGet(t, st, "a", []byte("value 4"))
	ok, err := st.Add(ctx(t), "\x00", []byte("again"), s.later())
	if err != nil || ok {
		t.Fatalf("Add on a live odd key = %v, %v; want false", ok, err)
	}
}

func (s *suite) testSharedAcrossInstances(t *testing.T) {
	a := s.open(t)
	b := s.second(t)
	mustSet(t, a, "k", []byte("from a"), s.later())
	mustGet(t, b, "k", []byte("from a"))
	if err := b.Delete(ctx(t), "k"); err != nil {
		t.Fatal(err)
	}
	mustMiss(t, a, "k")
	if err := a.AddMember(ctx(t), "set", "m", s.later()); err != nil {
		t.Fatal(err)
	}
	got, err := b.Members(ctx(t), "set")
	if err != nil || len(got) != 1 || got[0] != "m" {
		t.Fatalf("Members on the other instance = %q, %v", got, err)
	}
}

func (s *suite) testCanceledContext(t *testing.T) {
	st := s.open(t)
	mustSet(t, st, "k", []byte("v"), s.later())
	c, cancel := context.WithCancel(ctx(t))
	cancel()
	if _, err := st.Get(c, "k"); err == nil {
		t.Fatal("Get with a canceled context succeeded")
	} else if errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get with a canceled context = %v; a canceled call is no proof of absence", err)
	}
	if err := st.Set(c, "k", []byte("changed"), s.later()); err == nil {
		t.Fatal("Set with a canceled context succeeded")
	}
	mustGet(t, st, "k", []byte("v"))
}

func (s *suite) testClose(t *testing.T) {
	st := s.newStore(t, s.now)
	mustSet(t, st, "k", []byte("v"), s.later())
	var (
		mu    sync.Mutex
		after bool
		late  bool
	)
	_, err := st.Subscribe(ctx(t), "ch", func(string) {
		mu.Lock()
		defer mu.Unlock()
		if after {
			late = true
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	mu.Lock()
	after = true
	mu.Unlock()
	if err := st.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
	if _, err := st.Get(ctx(t), "k"); err == nil {
		t.Fatal("Get after Close succeeded")
	}
	if err := st.Set(ctx(t), "k", []byte("v"), s.later()); err == nil {
		t.Fatal("Set after Close succeeded")
	}
	if err := st.SetMany(ctx(t), store.Entry{Key: "k", Value: []byte("v"), ExpiresAt: s.later()}); err == nil {
		t.Fatal("SetMany after Close succeeded")
	}
	if !s.single {
		// Messages published after Close reach no subscriber of the closed store.
		other := s.open(t)
		got := subscribe(t, other, "ch")
		if err := other.Publish(ctx(t), "ch", "after close"); err != nil {
			t.Fatal(err)
		}
		got.expect(t, "after close")
		mu.Lock()
		defer mu.Unlock()
		if late {
			t.Fatal("a subscription of a closed store was called")
		}
	}
}
