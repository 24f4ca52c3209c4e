package devtenant

import (
	"maps"
	"sync"
)

// Stats is a snapshot of what the tenant has answered since it started, for
// tests that must prove how many calls reached the tenant (for instance that
// two racing refreshes made exactly one refresh grant) or that a refresh-token
// family was revoked. Read it with Tenant.Stats.
type Stats struct {
	// Grants counts successful /oauth/token answers by grant_type, as sent by
	// the client (GrantPassword, GrantPasswordRealm, GrantRefreshToken, ...).
	Grants map[string]int
	// GrantErrors counts /oauth/token error answers by grant_type (the empty
	// string for a request without one).
	GrantErrors map[string]int
	// RefreshReuseRevocations counts refresh-token families revoked because a
	// rotated-away refresh token was presented again (reuse detection).
	RefreshReuseRevocations int
	// RefreshRevocations counts refresh-token families revoked through
	// /oauth/revoke.
	RefreshRevocations int
	// BruteForceBlocks counts user and IP pairs blocked by brute-force
	// protection.
	BruteForceBlocks int
}

// GrantCount returns how many times the token endpoint answered grantType
// successfully, e.g. t.GrantCount(GrantRefreshToken).
func (t *Tenant) GrantCount(grantType string) int {
	t.stats.mu.Lock()
	defer t.stats.mu.Unlock()
	return t.stats.s.Grants[grantType]
}

// Stats returns a snapshot of the tenant's counters.
func (t *Tenant) Stats() Stats {
	t.stats.mu.Lock()
	defer t.stats.mu.Unlock()
	s := t.stats.s
	s.Grants = maps.Clone(s.Grants)
	s.GrantErrors = maps.Clone(s.GrantErrors)
	if s.Grants == nil {
		s.Grants = map[string]int{}
	}
	if s.GrantErrors == nil {
		s.GrantErrors = map[string]int{}
	}
	return s
}

// counters holds the live Stats under its own lock, so counting never waits
// for the tenant's main lock.
type counters struct {
	mu sync.Mutex
	s  Stats
}

func (c *counters) grant(grantType string, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := &c.s.GrantErrors
	if ok {
		m = &c.s.Grants
	}
	if *m == nil {
		*m = map[string]int{}
	}
	if len(*m) < 64 || (*m)[grantType] > 0 { // unknown grant types cannot grow it without bound
		(*m)[grantType]++
	}
}

func (c *counters) add(f func(*Stats)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&c.s)
}

// RefreshTokenStatus says what the tenant knows of a refresh token.
type RefreshTokenStatus struct {
	// Known is false for a token the tenant never issued (or has forgotten
	// after its family expired).
	Known bool
	// Current is true while the token can be exchanged.
	Current bool
	// Revoked is true when the token's family was revoked; RevokedBy says how.
	Revoked bool
	// RevokedBy is "reuse" (reuse detection), "revocation" (/oauth/revoke)
	// or "user_deleted"; empty while the family is live.
	RevokedBy string
}

// Reasons a refresh-token family was revoked, as RefreshTokenStatus.RevokedBy.
const (
	RevokedByReuse       = "reuse"
	RevokedByRevocation  = "revocation"
	RevokedByUserDeleted = "user_deleted"
)

// RefreshTokenStatus reports the state of refresh token rt and of its family:
// a test holding a refresh token can check that reuse detection revoked it.
func (t *Tenant) RefreshTokenStatus(rt string) RefreshTokenStatus {
	h := hashToken(rt)
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.rts[h]
	if r == nil {
		return RefreshTokenStatus{}
	}
	f := t.families[r.family]
	if f == nil {
		return RefreshTokenStatus{}
	}
	return RefreshTokenStatus{
		Known:     true,
		Current:   !f.revoked && contains(f.current, h) && t.now().Before(f.expires),
		Revoked:   f.revoked,
		RevokedBy: f.revokedBy,
	}
}

// Client returns a copy of the configured client id, secret included, so a
// test can authenticate as it (e.g. Client(DefaultRegularClientID)).
func (t *Tenant) Client(id string) (Client, bool) {
	c := t.clients[id]
	if c == nil {
		return Client{}, false
	}
	out := c.Client
	out.Callbacks = append([]string(nil), c.Callbacks...)
	out.LogoutURLs = append([]string(nil), c.LogoutURLs...)
	out.GrantTypes = append([]string(nil), c.GrantTypes...)
	out.Grants = map[string][]string{}
	for k, v := range c.Grants {
		out.Grants[k] = append([]string(nil), v...)
	}
	return out, true
}
