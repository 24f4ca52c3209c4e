package storetest

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// gk puts key in the group of the SetMany cases: a SetMany's keys share one
// group (see package store), or a cluster refuses it.
func gk(key string) string { return "{setmany}" + key }

func mustSetMany(t *testing.T, st store.Store, entries ...store.Entry) {
	t.Helper()
	if err := st.SetMany(ctx(t), entries...); err != nil {
		t.Fatalf("SetMany(%d entries): %v", len(entries), err)
	}
}

func (s *suite) testSetMany(t *testing.T) {
	st := s.open(t)
	mustSet(t, st, gk("old"), []byte("before"), s.later())
	mustSetMany(t, st,
		store.Entry{Key: gk("a"), Value: []byte("1"), ExpiresAt: s.later()},
		store.Entry{Key: gk("old"), Value: []byte("after"), ExpiresAt: s.later()},
		store.Entry{Key: gk("empty"), Value: nil, ExpiresAt: s.later()},
		store.Entry{Key: gk("bin\x00é"), Value: []byte{0, 0xff, '\n'}, ExpiresAt: s.later()},
	)
	mustGet(t, st, gk("a"), []byte("1"))
	mustGet(t, st, gk("old"), []byte("after"))
	mustGet(t, st, gk("empty"), []byte{})
	mustGet(t, st, gk("bin\x00é"), []byte{0, 0xff, '\n'})
	if err := st.SetMany(ctx(t)); err != nil {
		t.Fatalf("SetMany with no entries: %v", err)
	}
	mustGet(t, st, gk("a"), []byte("1"))
	if !s.single {
		mustGet(t, s.second(t), gk("old"), []byte("after"))
	}
}

func (s *suite) testSetManyExpiry(t *testing.T) {
	st := s.open(t)
	mustSet(t, st, gk("doomed"), []byte("live"), s.later())
	exp := s.soon()
	mustSetMany(t, st,
		store.Entry{Key: gk("short"), Value: []byte("v"), ExpiresAt: exp},
		store.Entry{Key: gk("long"), Value: []byte("v"), ExpiresAt: s.later()},
		// An expiry not in the future removes the key, as Set does.
		store.Entry{Key: gk("doomed"), Value: []byte("dead"), ExpiresAt: s.now().Add(-shortTTL)},
		store.Entry{Key: gk("never"), Value: []byte("dead"), ExpiresAt: s.now().Add(-shortTTL)},
	)
	mustMiss(t, st, gk("doomed"))
	mustMiss(t, st, gk("never"))
	s.outlive(t, st, gk("short"), []byte("v"), exp)
	mustGet(t, st, gk("long"), []byte("v"))
}

// Entries naming one key: the last wins, whether it sets or removes.
func (s *suite) testSetManyDuplicates(t *testing.T) {
	st := s.open(t)
	mustSet(t, st, gk("gone"), []byte("live"), s.later())
	mustSetMany(t, st,
		store.Entry{Key: gk("k"), Value: []byte("first"), ExpiresAt: s.later()},
		store.Entry{Key: gk("gone"), Value: []byte("set"), ExpiresAt: s.later()},
		store.Entry{Key: gk("k"), Value: []byte("second"), ExpiresAt: s.later()},
		store.Entry{Key: gk("gone"), Value: []byte("dead"), ExpiresAt: s.now().Add(-shortTTL)},
		store.Entry{Key: gk("back"), Value: []byte("dead"), ExpiresAt: s.now().Add(-shortTTL)},
		store.Entry{Key: gk("back"), Value: []byte("alive"), ExpiresAt: s.later()},
	)
	mustGet(t, st, gk("k"), []byte("second"))
	mustMiss(t, st, gk("gone"))
	mustGet(t, st, gk("back"), []byte("alive"))
}

// Many entries in one call (more than one SQL statement's parameters).
func (s *suite) testSetManyLarge(t *testing.T) {
	st := s.open(t)
	const n = 700
	entries := make([]store.Entry, 0, 2*n)
	for i := range n {
		mustSet(t, st, gk("gone")+strconv.Itoa(i), []byte("live"), s.later())
	}
	for i := range n {
		entries = append(entries,
			store.Entry{Key: gk("k" + strconv.Itoa(i)), Value: []byte(strconv.Itoa(i)), ExpiresAt: s.later()},
			store.Entry{Key: gk("gone" + strconv.Itoa(i)), ExpiresAt: s.now().Add(-shortTTL)})
	}
	mustSetMany(t, st, entries...)
	for i := range n {
		mustGet(t, st, gk("k")+strconv.Itoa(i), []byte(strconv.Itoa(i)))
		mustMiss(t, st, gk("gone")+strconv.Itoa(i))
	}
}

// A failed SetMany wrote none of its entries.
func (s *suite) testSetManyCanceled(t *testing.T) {
	st := s.open(t)
	mustSet(t, st, gk("a"), []byte("v"), s.later())
	c, cancel := context.WithCancel(ctx(t))
	cancel()
	err := st.SetMany(c,
		store.Entry{Key: gk("a"), Value: []byte("changed"), ExpiresAt: s.later()},
		store.Entry{Key: gk("b"), Value: []byte("new"), ExpiresAt: s.later()})
	if err == nil {
		t.Fatal("SetMany with a canceled context succeeded")
	}
	mustGet(t, st, gk("a"), []byte("v"))
	mustMiss(t, st, gk("b"))
}

// No reader sees some entries of a SetMany and not the others: a writer
// raises "a" then "b" to i in each call, a reader (on another instance when
// there can be one) reads "a" then "b", so it must never find b below a.
func (s *suite) testSetManyAtomic(t *testing.T) {
	w := s.open(t)
	r := w
	if !s.single {
		r = s.open(t)
	}
	const rounds = 200
	mustSetMany(t, w,
		store.Entry{Key: gk("a"), Value: []byte("0"), ExpiresAt: s.later()},
		store.Entry{Key: gk("b"), Value: []byte("0"), ExpiresAt: s.later()})
	var (
		wg   sync.WaitGroup
		werr error
	)
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		for i := 1; i <= rounds; i++ {
			v := []byte(strconv.Itoa(i))
			if err := w.SetMany(ctx(t),
				store.Entry{Key: gk("a"), Value: v, ExpiresAt: s.later()},
				store.Entry{Key: gk("b"), Value: v, ExpiresAt: s.later()}); err != nil {
				werr = err
				return
			}
		}
	}()
	read := func(key string) (int, error) {
		v, err := r.Get(ctx(t), gk(key))
		if err != nil {
			return 0, err
		}
		return strconv.Atoi(string(v))
	}
	var bad error
	for running := true; running && bad == nil; {
		select {
		case <-done:
			running = false
		default:
		}
		a, err := read("a")
		if err != nil {
			bad = err
			break
		}
		b, err := read("b")
		switch {
		case err != nil:
			bad = err
		case b < a:
			bad = fmt.Errorf(`read a = %d then b = %d: a SetMany was seen half done`, a, b)
		}
	}
	wg.Wait()
	if werr != nil {
		t.Fatalf("SetMany: %v", werr)
	}
	if bad != nil {
		t.Fatal(bad)
	}
	mustGet(t, r, gk("b"), []byte(strconv.Itoa(rounds)))
}
