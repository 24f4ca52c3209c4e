package session_test

import (
	"context"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// keyGroup is package store's rule for a key's group (Redis Cluster's hash
// tag): the text between the first '{' and the first '}' after it, when not
// empty; else the whole key.
func keyGroup(key string) string {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			return key[i+1 : i+1+j]
		}
	}
	return key
}

func (f *faulty) recordMulti(keys []string) {
	if len(keys) < 2 {
		return
	}
	f.mu.Lock()
	f.multi = append(f.multi, append([]string(nil), keys...))
	f.mu.Unlock()
}

func (f *faulty) SetMany(ctx context.Context, es ...store.Entry) error {
	keys := make([]string, len(es))
	for i, e := range es {
		keys[i] = e.Key
	}
	f.recordMulti(keys)
	f.writes.Add(1)
	if err := f.err(); err != nil {
		return err
	}
	return f.Store.SetMany(ctx, es...)
}

// crossGroup returns the keys of the first multi-key call that spans more
// than one group, or nil; every env checks it when its test ends.
func (f *faulty) crossGroup() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ks := range f.multi {
		for _, k := range ks[1:] {
			if keyGroup(k) != keyGroup(ks[0]) {
				return ks
			}
		}
	}
	return nil
}

// TestKeyGroupsPerSession (issue 24): a session's record and activity share
// the group {s:<id>} and are deleted together in it; two sessions have two
// groups (they spread over a cluster's nodes), never one for the app.
func TestKeyGroupsPerSession(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{})
	var groups []string
	for range 2 {
		c := e.login(e.tenant.Token(t))
		if r := e.do("POST", "/auth/ping", cookieH(c)); r.code != 204 {
			t.Fatalf("ping: %d %s", r.code, r.raw)
		}
		if r := e.do("POST", "/auth/logout", cookieH(c)); r.code != 204 {
			t.Fatalf("logout: %d %s", r.code, r.raw)
		}
	}
	e.st.mu.Lock()
	for _, ks := range e.st.multi {
		groups = append(groups, keyGroup(ks[0]))
	}
	e.st.mu.Unlock()
	if len(groups) != 2 {
		t.Fatalf("%d multi-key calls, want the two logouts' Deletes", len(groups))
	}
	if !strings.HasPrefix(groups[0], "s:") || groups[0] == groups[1] {
		t.Errorf("the logouts' groups %q: want one {s:<id>} per session", groups)
	}
}
