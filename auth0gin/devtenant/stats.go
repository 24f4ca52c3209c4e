package devtenant

import (
	"fmt"
	"maps"
	"sync"

	"github.com/auth0gin/auth0gin/internal/tenantprobe"
)

// Stats is a snapshot of what the tenant has answered since it started, for
// tests that must prove how many calls reached the tenant (for instance that
// two racing refreshes made exactly one refresh grant) or that a refresh-token
// family was revoked. Read it with Tenant.Stats.
type Stats struct {
	// Grants counts successful /oauth/token answers by grant_type, as sent by
	// the client ("password", "refresh_token", "client_credentials", ...):
	// Stats().Grants["refresh_token"] is how many refresh grants succeeded.
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

// refreshTokenStatus reports the state of refresh token rt and of its family.
func (t *Tenant) refreshTokenStatus(rt string) tenantprobe.RefreshToken {
	h := hashToken(rt)
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.rts[h]
	if r == nil {
		return tenantprobe.RefreshToken{}
	}
	f := t.families[r.family]
	if f == nil {
		return tenantprobe.RefreshToken{}
	}
	return tenantprobe.RefreshToken{
		Known:     true,
		Current:   !f.revoked && contains(f.current, h) && t.now().Before(f.expires),
		Revoked:   f.revoked,
		RevokedBy: f.revokedBy,
	}
}

// cloneClient returns a deep copy of c.
func cloneClient(c Client) Client {
	c.Callbacks = append([]string(nil), c.Callbacks...)
	c.LogoutURLs = append([]string(nil), c.LogoutURLs...)
	c.GrantTypes = append([]string(nil), c.GrantTypes...)
	if c.Grants != nil {
		g := make(map[string][]string, len(c.Grants))
		for k, v := range c.Grants {
			g[k] = append([]string(nil), v...)
		}
		c.Grants = g
	}
	return c
}

// self lets tenantprobe reach the Tenant inside a *Server or any type that
// embeds a *Tenant (the method is promoted with the embedding).
func (t *Tenant) self() *Tenant { return t }

func probed(tenant any) *Tenant {
	s, ok := tenant.(interface{ self() *Tenant })
	if !ok {
		panic(fmt.Sprintf("tenantprobe: %T is not a dev tenant", tenant))
	}
	return s.self()
}

func init() {
	tenantprobe.RefreshTokenStatus = func(tenant any, rt string) tenantprobe.RefreshToken {
		return probed(tenant).refreshTokenStatus(rt)
	}
	tenantprobe.SaveKeys = func(tenant any, path string) error { return probed(tenant).saveKeys(path) }
	tenantprobe.Unblock = func(tenant any, user string) int { return probed(tenant).unblock(user) }
	tenantprobe.MFACode = func(tenant any, user string) string { return probed(tenant).pendingMFACode(user) }
}
