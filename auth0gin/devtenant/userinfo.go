package devtenant

import (
	"net/http"
	"time"
)

// handleUserinfo is GET /userinfo: the OIDC claims the token's scopes allow,
// plus the custom claims. It accepts the tenant's JWTs whose aud includes
// "<issuer>userinfo" and its opaque tokens. A token bound to a DPoP key
// must come as `Authorization: DPoP` with a proof of that key.
func (t *Tenant) handleUserinfo(w http.ResponseWriter, r *http.Request) {
	tok, scheme := bearer(r.Header.Get("Authorization")), "Bearer"
	if tok == "" {
		tok, scheme = dpopToken(r.Header.Get("Authorization")), "DPoP"
	}
	if tok == "" {
		t.userinfoUnauthorized(w, "")
		return
	}
	var sub, jkt string
	var scopes []string
	t.mu.Lock()
	o, opaque := t.opaque[hashToken(tok)]
	t.mu.Unlock()
	if opaque {
		if !t.now().Before(o.exp) {
			t.userinfoUnauthorized(w, "The access token expired")
			return
		}
		sub, scopes, jkt = o.sub, o.scopes, o.jkt
	} else {
		c, err := t.verifyJWT(tok, t.issuer+"userinfo")
		if err != nil {
			t.userinfoUnauthorized(w, "Invalid access token")
			return
		}
		sub, scopes, jkt = c.Sub, scopeList(c.Scope), c.Cnf.JKT
	}
	if desc, busy := t.userinfoProof(w, r, scheme, tok, jkt); busy != nil {
		busy.write(w)
		return
	} else if desc != "" {
		t.userinfoUnauthorized(w, desc)
		return
	}
	u, ok := t.user(sub)
	if !ok {
		t.userinfoUnauthorized(w, "Invalid access token")
		return
	}
	var updated time.Time
	t.mu.Lock()
	if rec := t.users.byID[sub]; rec != nil {
		updated = rec.UpdatedAt
	}
	t.mu.Unlock()
	out := profileClaims(u, scopes, updated)
	out["sub"] = u.ID
	t.addExtraClaims(out, &u, "", nil)
	writeJSON(w, http.StatusOK, out)
}

func (t *Tenant) userinfoUnauthorized(w http.ResponseWriter, desc string) {
	ch := `Bearer realm="` + t.issuer + `"`
	if desc != "" {
		ch += `, error="invalid_token", error_description="` + desc + `"`
	}
	w.Header().Set("WWW-Authenticate", ch)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte("Unauthorized"))
}
