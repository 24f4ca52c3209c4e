package login_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// countingStore counts the operations a Manager makes on a store, by name.
type countingStore struct {
	store.Store
	mu  sync.Mutex
	ops map[string]int
	// down makes every operation fail with auth0gin.ErrUnavailable.
	down atomic.Bool
	// setManyDown makes SetMany alone fail with auth0gin.ErrUnavailable: the
	// store breaks after a refresh's tenant call.
	setManyDown atomic.Bool
	// multi lists the key groups of every SetMany and multi-key Delete, one
	// entry per call (see groups_test.go).
	multi [][]string
}

func counting(s store.Store) *countingStore { return &countingStore{Store: s, ops: map[string]int{}} }

func (c *countingStore) count(op string) error {
	c.mu.Lock()
	c.ops[op]++
	c.mu.Unlock()
	if c.down.Load() {
		return auth0gin.ErrUnavailable
	}
	return nil
}

// reset returns the counts so far and starts again.
func (c *countingStore) reset() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	o := c.ops
	c.ops = map[string]int{}
	return o
}

func total(ops map[string]int) int {
	n := 0
	for _, v := range ops {
		n += v
	}
	return n
}

func (c *countingStore) Get(ctx context.Context, key string) ([]byte, error) {
	if err := c.count("Get"); err != nil {
		return nil, err
	}
	return c.Store.Get(ctx, key)
}

func (c *countingStore) Set(ctx context.Context, key string, value []byte, exp time.Time) error {
	if err := c.count("Set"); err != nil {
		return err
	}
	return c.Store.Set(ctx, key, value, exp)
}

// SetMany is one operation, however many entries: one round trip.
func (c *countingStore) SetMany(ctx context.Context, entries ...store.Entry) error {
	keys := make([]string, len(entries))
	for i, e := range entries {
		keys[i] = e.Key
	}
	c.recordMulti(keys)
	if err := c.count("SetMany"); err != nil {
		return err
	}
	if c.setManyDown.Load() {
		return auth0gin.ErrUnavailable
	}
	return c.Store.SetMany(ctx, entries...)
}

func (c *countingStore) Add(ctx context.Context, key string, value []byte, exp time.Time) (bool, error) {
	if err := c.count("Add"); err != nil {
		return false, err
	}
	return c.Store.Add(ctx, key, value, exp)
}

func (c *countingStore) Delete(ctx context.Context, keys ...string) error {
	c.recordMulti(keys)
	if err := c.count("Delete"); err != nil {
		return err
	}
	return c.Store.Delete(ctx, keys...)
}

// memStore is a store.Store in memory, for the unit tests that do not need
// a real backend; the integration tests run on SQLite, Redis and PostgreSQL.
type memStore struct {
	mu   sync.Mutex
	m    map[string]memEntry
	sets map[string]map[string]time.Time // the per-user lists of rows
}

type memEntry struct {
	v   []byte
	exp time.Time
}

func newMemStore() *memStore {
	return &memStore{m: map[string]memEntry{}, sets: map[string]map[string]time.Time{}}
}

func (s *memStore) live(key string) (memEntry, bool) {
	e, ok := s.m[key]
	if !ok || !time.Now().Before(e.exp) {
		return memEntry{}, false
	}
	return e, true
}

func (s *memStore) Get(_ context.Context, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.live(key)
	if !ok {
		return nil, store.ErrNotFound
	}
	return append([]byte(nil), e.v...), nil
}

func (s *memStore) Set(_ context.Context, key string, v []byte, exp time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = memEntry{append([]byte(nil), v...), exp}
	return nil
}

func (s *memStore) SetMany(_ context.Context, entries ...store.Entry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range entries {
		s.m[e.Key] = memEntry{append([]byte(nil), e.Value...), e.ExpiresAt}
	}
	return nil
}

func (s *memStore) Add(_ context.Context, key string, v []byte, exp time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.live(key); ok {
		return false, nil
	}
	s.m[key] = memEntry{append([]byte(nil), v...), exp}
	return true, nil
}

func (s *memStore) Delete(_ context.Context, keys ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		delete(s.m, k)
	}
	return nil
}

// Incr counts in memory as store.Store's contract says (a new counter takes
// exp; a live one keeps its own).
func (s *memStore) Incr(_ context.Context, key string, exp time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := int64(0)
	if e, ok := s.live(key); ok {
		v, err := strconv.ParseInt(string(e.v), 10, 64)
		if err != nil {
			return 0, err
		}
		n, exp = v, e.exp
	}
	n++
	s.m[key] = memEntry{[]byte(strconv.FormatInt(n, 10)), exp}
	return n, nil
}

var errNoSets = errors.New("memStore: not used by package login")

func (s *memStore) AddMember(_ context.Context, set, member string, exp time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sets[set] == nil {
		s.sets[set] = map[string]time.Time{}
	}
	s.sets[set][member] = exp
	return nil
}

func (s *memStore) Members(_ context.Context, set string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for m, exp := range s.sets[set] {
		if time.Now().Before(exp) {
			out = append(out, m)
		}
	}
	return out, nil
}

func (s *memStore) RemoveMember(_ context.Context, set string, members ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range members {
		delete(s.sets[set], m)
	}
	return nil
}

func (s *memStore) Publish(context.Context, string, string) error { return errNoSets }
func (s *memStore) Subscribe(context.Context, string, func(string)) (func(), error) {
	return nil, errNoSets
}
func (s *memStore) Close() error { return nil }

func farFuture() time.Time { return time.Now().Add(time.Hour) }

// dump returns every value the store holds, for searching.
func (s *memStore) dump() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for k, e := range s.m {
		b.WriteString(k)
		b.Write(e.v)
	}
	return b.String()
}

func (c *countingStore) Incr(ctx context.Context, key string, exp time.Time) (int64, error) {
	if err := c.count("Incr"); err != nil {
		return 0, err
	}
	return c.Store.Incr(ctx, key, exp)
}
