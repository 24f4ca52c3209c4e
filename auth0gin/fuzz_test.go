package auth0gin_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// FuzzRequireScopes feeds arbitrary Authorization headers through the Gin
// middleware. Whatever arrives, the answer is a 200 for a genuinely signed
// token or a 401/403 with a challenge and a JSON body: never a 5xx, never a
// panic, never a 400.
//
//	go test -run '^$' -fuzz FuzzRequireScopes -fuzztime 5m ./auth0gin/
func FuzzRequireScopes(f *testing.F) {
	ti := newTestIssuer(f)
	cfg := ti.config()
	cfg.KeyMinRefetch = time.Hour // random kids must not hammer the issuer
	a := mustNew(f, cfg)
	r := newEngine(f, a)
	good := ti.token(f, nil)
	parts := strings.Split(good, ".")
	for _, seed := range []string{
		"Bearer " + good,
		"Bearer " + parts[0] + "." + parts[1] + ".",
		"Bearer " + b64(`{"alg":"none"}`) + "." + parts[1] + ".",
		"Bearer " + b64(`{"alg":"HS256","kid":"k0"}`) + "." + parts[1] + "." + parts[2],
		"Bearer " + b64(`{"alg":"RS256","kid":"k0","crit":["x"]}`) + "." + parts[1] + "." + parts[2],
		"Bearer " + parts[0] + "." + b64(`{"exp":1e400}`) + "." + parts[2],
		"Bearer " + ti.token(f, map[string]any{"scope": "openid"}),
		"Basic YWxhZGRpbjpvcGVuc2VzYW1l",
		"Bearer ",
		"bearer a.b.c",
		"",
	} {
		f.Add(seed, "/scoped")
	}
	f.Fuzz(func(t *testing.T, authorization, path string) {
		if path != "/scoped" {
			path = "/private"
		}
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header["Authorization"] = []string{authorization}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			var body struct{ User auth0gin.Auth0User }
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.User.ID != "auth0|alice" {
				t.Fatalf("accepted a token that was not the issuer's: %q", rec.Body.String())
			}
		case http.StatusUnauthorized, http.StatusForbidden:
			if !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer realm=") {
				t.Fatalf("%d without a challenge", rec.Code)
			}
			var body auth0gin.ErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error == "" {
				t.Fatalf("%d with body %q", rec.Code, rec.Body.String())
			}
		default:
			t.Fatalf("status %d for Authorization %q", rec.Code, authorization)
		}
	})
}
