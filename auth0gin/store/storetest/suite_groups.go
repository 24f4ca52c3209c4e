package storetest

import (
	"errors"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// Keys that carry one {group}, wherever the group sits in them, go together
// in a SetMany and a Delete, on every backend.
func (s *suite) testKeyGroups(t *testing.T) {
	st := s.open(t)
	keys := []string{"session:{u42}:record", "session:{u42}:activity", "{u42}", "x{u42}y{other}", "odd\x00{u42}é"}
	entries := make([]store.Entry, len(keys))
	for i, k := range keys {
		entries[i] = store.Entry{Key: k, Value: []byte(k), ExpiresAt: s.later()}
	}
	mustSetMany(t, st, entries...)
	r := st
	if !s.single {
		r = s.second(t)
	}
	for _, k := range keys {
		mustGet(t, r, k, []byte(k))
	}
	// A group is the text up to the first '}' after the first '{': this
	// key's group is "u4", not "u42".
	mustSet(t, st, "{u4}2", []byte("v"), s.later())
	if err := r.Delete(ctx(t), keys[:3]...); err != nil {
		t.Fatalf("Delete of three keys of one group: %v", err)
	}
	for _, k := range keys[:3] {
		mustMiss(t, st, k)
	}
	mustGet(t, st, keys[3], []byte(keys[3]))
	mustGet(t, st, "{u4}2", []byte("v"))
}

// Keys of several groups in one SetMany or Delete: a backend either applies
// the whole call (one that can: a single server, SQLite, PostgreSQL) or
// refuses it with auth0gin.ErrConfig having written nothing (a cluster);
// never a half-done call, never an outage (CROSSSLOT is no ErrUnavailable).
func (s *suite) testCrossGroup(t *testing.T) {
	st := s.open(t)
	mustSet(t, st, "{g1}old", []byte("before"), s.later())
	err := st.SetMany(ctx(t),
		store.Entry{Key: "{g1}old", Value: []byte("after"), ExpiresAt: s.later()},
		store.Entry{Key: "{g2}new", Value: []byte("new"), ExpiresAt: s.later()},
		store.Entry{Key: "plain", Value: []byte("plain"), ExpiresAt: s.later()})
	switch {
	case err == nil:
		t.Log("SetMany across groups: applied (a backend that writes several groups at once)")
		mustGet(t, st, "{g1}old", []byte("after"))
		mustGet(t, st, "{g2}new", []byte("new"))
		mustGet(t, st, "plain", []byte("plain"))
	case errors.Is(err, auth0gin.ErrConfig) && !errors.Is(err, auth0gin.ErrUnavailable):
		t.Logf("SetMany across groups: refused (%v)", err)
		mustGet(t, st, "{g1}old", []byte("before"))
		mustMiss(t, st, "{g2}new")
		mustMiss(t, st, "plain")
		mustSetMany(t, st, store.Entry{Key: "{g2}new", Value: []byte("new"), ExpiresAt: s.later()})
		mustSet(t, st, "plain", []byte("plain"), s.later())
	default:
		t.Fatalf("SetMany across groups = %v; want nil or an error wrapping auth0gin.ErrConfig only", err)
	}
	err = st.Delete(ctx(t), "{g1}old", "{g2}new", "plain")
	switch {
	case err == nil:
		mustMiss(t, st, "{g1}old")
		mustMiss(t, st, "{g2}new")
		mustMiss(t, st, "plain")
	case errors.Is(err, auth0gin.ErrConfig) && !errors.Is(err, auth0gin.ErrUnavailable):
		t.Logf("Delete across groups: refused (%v)", err)
		mustGet(t, st, "{g2}new", []byte("new"))
		mustGet(t, st, "plain", []byte("plain"))
	default:
		t.Fatalf("Delete across groups = %v; want nil or an error wrapping auth0gin.ErrConfig only", err)
	}
	// One key alone is always one group.
	if err := st.Delete(ctx(t), "plain"); err != nil {
		t.Fatalf("Delete of one key: %v", err)
	}
}
