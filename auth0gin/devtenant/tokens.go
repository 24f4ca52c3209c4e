package devtenant

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	jose "gopkg.in/go-jose/go-jose.v2"
)

// accessGrant is everything an access token says.
type accessGrant struct {
	clientID    string
	user        *User // nil for client credentials
	sub         string
	api         *api // nil: an opaque token for /userinfo
	scopes      []string
	permissions []string // nil: no permissions claim
	gty         string
	extra       map[string]any
	iat, exp    time.Time
	kid         string
	auth        *authInfo // users only: org and step-up claims
	// IssueToken's organization claims, as given (auth.org is nil then).
	orgID, orgName string
	// jkt binds the token to a DPoP key: cnf.jkt (RFC 9449 §6.1).
	jkt string
}

// oidcScopes are granted whatever the API says.
func isOIDCScope(s string) bool {
	switch s {
	case "openid", "profile", "email", "offline_access":
		return true
	}
	return false
}

// userScopes computes what a user gets from requested scopes for API a
// (nil: no audience): the OIDC scopes, plus the API's scopes the user holds
// as permissions (RBAC) or the API defines (no RBAC); offline_access only when
// the API allows it. permissions is the `permissions` claim (nil: none).
func userScopes(a *api, perms, requested []string) (scopes, permissions []string) {
	for _, s := range requested {
		switch {
		case s == "offline_access":
			if a != nil && a.AllowOfflineAccess {
				scopes = append(scopes, s)
			}
		case isOIDCScope(s):
			scopes = append(scopes, s)
		case a == nil:
		case a.RBAC:
			if contains(perms, s) {
				scopes = append(scopes, s)
			}
		case a.scopes[s]:
			scopes = append(scopes, s)
		}
	}
	if a != nil && a.RBAC && a.AddPermissionsInToken {
		permissions = append([]string{}, perms...)
	}
	return scopes, permissions
}

// signAccess mints an access token: a JWT for an API, an opaque token
// otherwise.
func (t *Tenant) signAccess(g accessGrant) (string, error) {
	if g.api == nil {
		tok := randomToken(32)
		t.mu.Lock()
		t.sweepLocked()
		capMap(t.opaque)
		t.opaque[hashToken(tok)] = opaqueToken{sub: g.sub, clientID: g.clientID, scopes: g.scopes, exp: g.exp, jkt: g.jkt}
		t.mu.Unlock()
		return tok, nil
	}
	claims := map[string]any{
		"iss": t.issuer,
		"sub": g.sub,
		"iat": g.iat.Unix(),
		"exp": g.exp.Unix(),
	}
	if g.user != nil && contains(g.scopes, "openid") {
		claims["aud"] = []string{g.api.Identifier, t.issuer + "userinfo"}
	} else {
		claims["aud"] = g.api.Identifier
	}
	typ := "JWT"
	if t.cfg.Dialect == dialectRFC9068 {
		typ = "at+jwt"
		claims["client_id"] = g.clientID
		claims["jti"] = randomToken(16)
	} else {
		claims["azp"] = g.clientID
	}
	if len(g.scopes) > 0 {
		claims["scope"] = strings.Join(g.scopes, " ")
	}
	if g.gty != "" {
		claims["gty"] = g.gty
	}
	if g.permissions != nil {
		claims["permissions"] = g.permissions
	}
	if g.user != nil {
		t.addAccessAuthClaims(claims, g.auth)
		if g.orgID != "" {
			claims["org_id"] = g.orgID
		}
		if g.orgName != "" {
			claims["org_name"] = g.orgName
		}
	}
	t.addExtraClaims(claims, g.user, g.api.Identifier, g.extra)
	if g.jkt != "" {
		claims["cnf"] = map[string]string{"jkt": g.jkt}
	}
	return t.sign(claims, typ, g.kid)
}

// signIDToken mints an ID token for u, with profile and email claims as the
// scopes allow, the custom claims, and nonce.
func (t *Tenant) signIDToken(u User, clientID string, scopes []string, nonce string, now time.Time, auth *authInfo, refreshed bool) (string, error) {
	claims := map[string]any{
		"iss": t.issuer,
		"sub": u.ID,
		"aud": clientID,
		"iat": now.Unix(),
		"exp": now.Add(t.cfg.IDTokenLifetime).Unix(),
		"sid": randomToken(12),
	}
	for k, v := range profileClaims(u, scopes, t.updatedAt(u.ID)) {
		claims[k] = v
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	t.addIDAuthClaims(claims, auth, refreshed)
	t.addExtraClaims(claims, &u, "", nil)
	return t.sign(claims, "JWT", "")
}

// profileClaims are the OIDC claims of u the scopes allow.
func profileClaims(u User, scopes []string, updated time.Time) map[string]any {
	out := map[string]any{}
	if contains(scopes, "profile") {
		out["nickname"] = nickname(u)
		out["name"] = u.Name
		if u.Name == "" {
			out["name"] = u.Email
		}
		out["picture"] = "https://s.gravatar.com/avatar/00000000000000000000000000000000?s=480&r=pg&d=mp"
		out["updated_at"] = updated.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	if contains(scopes, "email") {
		out["email"] = u.Email
		out["email_verified"] = u.EmailVerified
	}
	return out
}

func (t *Tenant) updatedAt(id string) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	if u := t.users.byID[id]; u != nil {
		return u.UpdatedAt
	}
	return t.now()
}

// sign signs claims with the key kid (default: the current key).
func (t *Tenant) sign(claims map[string]any, typ, kid string) (string, error) {
	var k *signingKey
	if kid == "" {
		t.keyMu.RLock()
		k = t.current
		t.keyMu.RUnlock()
	} else if k = t.keyByID(kid); k == nil {
		return "", fmt.Errorf("devtenant: no key %q in the JWKS", kid)
	}
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: k.priv, KeyID: k.kid}},
		(&jose.SignerOptions{}).WithType(jose.ContentType(typ)),
	)
	if err != nil {
		return "", fmt.Errorf("devtenant: signer: %w", err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("devtenant: encoding claims: %w", err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("devtenant: signing: %w", err)
	}
	return obj.CompactSerialize()
}
