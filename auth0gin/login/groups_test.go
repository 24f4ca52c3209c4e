package login_test

import (
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
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

// recordMulti remembers the groups of one SetMany or Delete.
func (c *countingStore) recordMulti(keys []string) {
	if len(keys) < 2 {
		return
	}
	gs := make([]string, len(keys))
	for i, k := range keys {
		gs[i] = keyGroup(k)
	}
	c.mu.Lock()
	c.multi = append(c.multi, gs)
	c.mu.Unlock()
}

// crossGroup returns the groups of the first multi-key call that spans
// more than one, or nil. Every harness checks it when its test ends, so
// every flow test on every backend shows that the Manager keeps each
// SetMany and Delete in one group (what a Redis Cluster needs).
func (c *countingStore) crossGroup() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, gs := range c.multi {
		for _, g := range gs[1:] {
			if g != gs[0] {
				return gs
			}
		}
	}
	return nil
}

// multiGroups returns the group of each multi-key call so far.
func (c *countingStore) multiGroups() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, len(c.multi))
	for i, gs := range c.multi {
		out[i] = gs[0]
	}
	return out
}

// TestKeyGroupsPerUser (issue 24): a refresh writes its two rows in one
// SetMany and a refused or logged-out chain deletes in one Delete, each in
// one group; the group is the user's, so two users' rows spread over two
// groups (two nodes of a cluster, most likely), and never one for the app.
func TestKeyGroupsPerUser(t *testing.T) {
	h := newHarness(t, nil, nil)
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	b := h.login(devtenant.Bob.Email, devtenant.Bob.Password).answer(t)
	a1 := h.refresh(a.AccessToken).answer(t)
	b1 := h.refresh(b.AccessToken).answer(t)
	if r := h.bearer("/auth/logout", a1.AccessToken); r.status != 204 {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	if x := h.st.crossGroup(); x != nil {
		t.Fatalf("a multi-key call spans groups %q", x)
	}
	gs := h.st.multiGroups()
	if len(gs) < 2 {
		t.Fatalf("%d multi-key calls, want the two refreshes' SetMany at least", len(gs))
	}
	if gs[0] == gs[1] {
		t.Errorf("Alice's and Bob's refreshes wrote in one group %q: one group per app", gs[0])
	}
	for _, tok := range []string{a.AccessToken, a1.AccessToken, b1.AccessToken} {
		if g := keyGroup(rowKey(tok)); !strings.HasPrefix(g, "u:") {
			t.Errorf("row key %q has no user group", rowKey(tok))
		}
	}
	if keyGroup(rowKey(a.AccessToken)) != keyGroup(rowKey(a1.AccessToken)) || keyGroup(rowKey(a.AccessToken)) == keyGroup(rowKey(b1.AccessToken)) {
		t.Error("rows are not grouped per user")
	}
}
