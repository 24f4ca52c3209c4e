package session_test

// TEMPORARY: replaced by the SQLite store once the store branch lands it.

import (
	"context"
	"sync"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
)

type memStore struct {
	mu   sync.Mutex
	kv   map[string]memVal
	sets map[string]map[string]time.Time
	subs map[string][]func(string)
}

type memVal struct {
	b   []byte
	exp time.Time
}

func newMemStore() *memStore {
	return &memStore{kv: map[string]memVal{}, sets: map[string]map[string]time.Time{}, subs: map[string][]func(string){}}
}

func (s *memStore) Get(_ context.Context, k string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.kv[k]
	if !ok || time.Now().After(v.exp) {
		return nil, store.ErrNotFound
	}
	return append([]byte(nil), v.b...), nil
}
func (s *memStore) Set(_ context.Context, k string, b []byte, exp time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kv[k] = memVal{append([]byte(nil), b...), exp}
	return nil
}
func (s *memStore) Add(_ context.Context, k string, b []byte, exp time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.kv[k]; ok && time.Now().Before(v.exp) {
		return false, nil
	}
	s.kv[k] = memVal{append([]byte(nil), b...), exp}
	return true, nil
}
func (s *memStore) Delete(_ context.Context, ks ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range ks {
		delete(s.kv, k)
	}
	return nil
}
func (s *memStore) AddMember(_ context.Context, set, m string, exp time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sets[set] == nil {
		s.sets[set] = map[string]time.Time{}
	}
	s.sets[set][m] = exp
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
func (s *memStore) RemoveMember(_ context.Context, set string, ms ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range ms {
		delete(s.sets[set], m)
	}
	return nil
}
func (s *memStore) Publish(_ context.Context, ch, msg string) error {
	s.mu.Lock()
	subs := append([]func(string){}, s.subs[ch]...)
	s.mu.Unlock()
	for _, f := range subs {
		f(msg)
	}
	return nil
}
func (s *memStore) Subscribe(_ context.Context, ch string, fn func(string)) (func(), error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subs[ch] = append(s.subs[ch], fn)
	return func() {}, nil
}
func (s *memStore) Close() error { return nil }
