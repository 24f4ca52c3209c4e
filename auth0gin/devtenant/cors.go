package devtenant

import (
	"net/http"
	"strings"
)

// cors answers CORS for the endpoints a browser app calls directly (token,
// userinfo, revoke, device code, discovery, JWKS), for origins of the
// clients' callback URLs, as Auth0's "Allowed Web Origins" does. It reports
// whether it answered a preflight.
func (t *Tenant) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || !corsPath(r.URL.Path) || !t.allowedOrigin(origin) {
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Allow-Credentials", "true")
	h.Set("Access-Control-Expose-Headers", "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, DPoP-Nonce")
	if r.Method != http.MethodOptions {
		return false
	}
	h.Set("Access-Control-Allow-Methods", "GET, POST")
	// Swagger UI and other SPA libraries send X-Requested-With with the
	// token request; a DPoP client sends its proof in DPoP (RFC 9449).
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Auth0-Client, X-Requested-With, DPoP")
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
	return true
}

func corsPath(p string) bool {
	switch p {
	case "/oauth/token", "/userinfo", "/oauth/revoke", "/oauth/device/code":
		return true
	}
	return strings.HasPrefix(p, "/.well-known/")
}

// allowedOrigin reports whether origin is the origin of some client's callback.
func (t *Tenant) allowedOrigin(origin string) bool {
	for _, c := range t.clients {
		for _, p := range c.callbacks {
			if p.matchOrigin(origin) {
				return true
			}
		}
	}
	return false
}
