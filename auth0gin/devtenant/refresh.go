package devtenant

import (
	"maps"
	"net/http"
	"net/url"
	"time"

	"github.com/auth0gin/auth0gin/internal/tenantprobe"
)

// rtFamily is a chain of rotated refresh tokens from one login. Tokens are
// stored as hashes.
type rtFamily struct {
	id                         string
	clientID, userID, audience string
	scopes                     []string // the scopes requested at login
	expires                    time.Time
	current                    []string // hashes valid now (more than one only after a leeway reuse)
	previous                   string   // the token rotated last
	rotatedAt                  time.Time
	revoked                    bool
	revokedBy                  string    // one of tenantprobe.RevokedBy*
	auth                       *authInfo // the login's: refreshes keep its auth_time, amr, acr and organization
	jkt                        string    // a public client's DPoP key: every refresh must prove it (RFC 9449 §5)
}

// revokeFamilyLocked marks the family revoked for reason, once.
func (t *Tenant) revokeFamilyLocked(f *rtFamily, reason string) {
	if f.revoked {
		return
	}
	f.revoked, f.revokedBy = true, reason
	switch reason {
	case tenantprobe.RevokedByReuse:
		t.stats.add(func(s *Stats) { s.RefreshReuseRevocations++ })
	case tenantprobe.RevokedByRevocation:
		t.stats.add(func(s *Stats) { s.RefreshRevocations++ })
	}
}

// refreshToken points a token hash to its family.
type refreshToken struct {
	family string
}

// opaqueToken is an access token without audience, good for /userinfo only.
type opaqueToken struct {
	sub, clientID string
	scopes        []string
	exp           time.Time
	jkt           string // bound to this DPoP key (/userinfo wants a proof)
}

const invalidRefreshToken = "Unknown or invalid refresh token."

// newRefreshFamily starts a family and returns its first token. jkt, when
// set, binds the family to that DPoP key.
func (t *Tenant) newRefreshFamily(clientID, userID, aud string, scopes []string, auth *authInfo, jkt string) string {
	tok := randomToken(32)
	h := hashToken(tok)
	now := t.now()
	f := &rtFamily{
		id: randomToken(12), clientID: clientID, userID: userID, audience: aud,
		scopes: append([]string(nil), scopes...), expires: now.Add(t.cfg.RefreshTokenLifetime),
		current: []string{h}, auth: auth, jkt: jkt,
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sweepLocked()
	capMap(t.families) // beyond maxPending live logins, old families are dropped
	t.families[f.id] = f
	t.rts[h] = &refreshToken{family: f.id}
	return tok
}

// grantRefreshToken exchanges a refresh token, rotating it. Reusing a rotated
// token (outside the leeway, for the immediately previous one) revokes the
// whole family, as Auth0's reuse detection does. A family bound to a DPoP
// key refreshes only with a proof of that key; the new access token is bound
// to the request's proof key (jkt), if any.
func (t *Tenant) grantRefreshToken(r *http.Request, p url.Values, jkt string) (tokenResponse, *tokenError) {
	c, terr := t.authenticateClient(r, p, grantRefreshToken)
	if terr != nil {
		return tokenResponse{}, terr
	}
	rt := p.Get("refresh_token")
	if rt == "" {
		return tokenResponse{}, errInvalidRequest("Missing required parameter: refresh_token")
	}
	narrow := scopeList(p.Get("scope"))

	h := hashToken(rt)
	now := t.now()
	t.mu.Lock()
	f := t.familyLocked(h, c.ID, now)
	if f == nil {
		t.mu.Unlock()
		return tokenResponse{}, errInvalidGrant(invalidRefreshToken)
	}
	switch {
	case contains(f.current, h):
	case h == f.previous && t.cfg.RefreshReuseLeeway > 0 && now.Sub(f.rotatedAt) <= t.cfg.RefreshReuseLeeway:
	default:
		t.revokeFamilyLocked(f, tenantprobe.RevokedByReuse)
		t.mu.Unlock()
		t.log.Warn("devtenant: refresh token reuse detected; family revoked", "client_id", c.ID, "user_id", f.userID)
		return tokenResponse{}, errInvalidGrant(invalidRefreshToken)
	}
	switch {
	case f.jkt != "" && jkt == "":
		t.mu.Unlock()
		return tokenResponse{}, errInvalidProof("A DPoP proof is required: the refresh token is bound to a DPoP key.")
	case f.jkt != "" && jkt != f.jkt:
		t.mu.Unlock()
		return tokenResponse{}, errInvalidGrant("The DPoP proof's key is not the one the refresh token is bound to.")
	}
	rec := t.users.byID[f.userID]
	if rec == nil {
		t.revokeFamilyLocked(f, tenantprobe.RevokedByUserDeleted)
		t.mu.Unlock()
		return tokenResponse{}, errInvalidGrant(invalidRefreshToken)
	}
	for _, s := range narrow {
		if !contains(f.scopes, s) {
			t.mu.Unlock()
			return tokenResponse{}, &tokenError{http.StatusForbidden, "invalid_scope", "Scope must be a subset of the scopes originally granted."}
		}
	}
	u := cloneUser(rec.User)
	newTok := randomToken(32)
	nh := hashToken(newTok)
	if contains(f.current, h) {
		f.previous, f.current = h, []string{nh}
	} else {
		f.current = append(f.current, nh) // a leeway reuse: the concurrent winner stays valid
	}
	f.rotatedAt = now
	t.rts[nh] = &refreshToken{family: f.id}
	aud, scopes, auth := f.audience, f.scopes, f.auth
	t.mu.Unlock()

	if len(narrow) > 0 {
		scopes = narrow
	}
	if auth != nil && auth.org != nil && !auth.org.isMember(u.ID) {
		return tokenResponse{}, errInvalidGrant(invalidRefreshToken)
	}
	resp, _, terr := t.userTokens(c, u, aud, scopes, "", "", auth, true, jkt)
	if terr != nil {
		return tokenResponse{}, terr
	}
	resp.RefreshToken = newTok
	return resp, nil
}

// familyLocked returns the live family of the token hash h for client, or nil.
func (t *Tenant) familyLocked(h, clientID string, now time.Time) *rtFamily {
	rt := t.rts[h]
	if rt == nil {
		return nil
	}
	f := t.families[rt.family]
	if f == nil || f.revoked || !now.Before(f.expires) || f.clientID != clientID {
		return nil
	}
	return f
}

// revokeRefresh revokes the family of token for client; unknown tokens are
// ignored (RFC 7009).
func (t *Tenant) revokeRefresh(token, clientID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if f := t.familyLocked(hashToken(token), clientID, t.now()); f != nil {
		t.revokeFamilyLocked(f, tenantprobe.RevokedByRevocation)
	}
}

// revokeUserLocked revokes every family and session of a deleted user.
func (t *Tenant) revokeUserLocked(userID string) {
	for _, f := range t.families {
		if f.userID == userID {
			t.revokeFamilyLocked(f, tenantprobe.RevokedByUserDeleted)
		}
	}
	for id, s := range t.sessions {
		if s.userID == userID {
			delete(t.sessions, id)
		}
	}
}

// sweepLocked drops expired state, at most once a minute.
func (t *Tenant) sweepLocked() {
	now := t.now()
	if now.Sub(t.lastSweep) < time.Minute {
		return
	}
	t.lastSweep = now
	maps.DeleteFunc(t.rts, func(_ string, rt *refreshToken) bool {
		f := t.families[rt.family]
		return f == nil || !now.Before(f.expires)
	})
	maps.DeleteFunc(t.families, func(_ string, f *rtFamily) bool { return !now.Before(f.expires) })
	maps.DeleteFunc(t.opaque, func(_ string, o opaqueToken) bool { return !now.Before(o.exp) })
	maps.DeleteFunc(t.codes, func(_ string, c *authCode) bool { return !now.Before(c.expires) })
	maps.DeleteFunc(t.txs, func(_ string, tx *authTx) bool { return !now.Before(tx.expires) })
	for h, d := range t.devices {
		if now.Sub(d.expires) > time.Hour {
			delete(t.devices, h)
		}
	}
	for code, h := range t.userCodes {
		if d := t.devices[h]; d == nil || d.state != devicePending || !now.Before(d.expires) {
			delete(t.userCodes, code)
		}
	}
	for id, s := range t.sessions {
		if !now.Before(s.expires) {
			delete(t.sessions, id)
		}
	}
}
