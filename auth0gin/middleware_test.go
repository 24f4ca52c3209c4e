package auth0gin_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
)

func init() { gin.SetMode(gin.TestMode) }

func userJSON(c *gin.Context) {
	u, ok := auth0gin.UserFrom(c)
	if !ok {
		c.JSON(http.StatusOK, gin.H{"user": nil})
		return
	}
	c.JSON(http.StatusOK, gin.H{"user": u})
}

func newEngine(t testing.TB, a *auth0gin.Auth0) *gin.Engine {
	t.Helper()
	r := gin.New()
	r.GET("/private", a.RequireScopes(), userJSON)
	r.GET("/scoped", a.RequireScopes("read:messages"), userJSON)
	r.GET("/both", a.RequireScopes("read:messages", "delete:messages"), userJSON)
	r.GET("/any", a.Require(auth0gin.AnyScope("delete:messages", "read:messages")), userJSON)
	r.GET("/admin", a.Require(auth0gin.Roles("admin")), userJSON)
	r.GET("/optional", a.Require(auth0gin.Optional()), userJSON)
	return r
}

type answer struct {
	code      int
	challenge string
	body      map[string]any
}

func call(t testing.TB, h http.Handler, path string, header http.Header) answer {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	a := answer{code: rec.Code, challenge: rec.Header().Get("WWW-Authenticate")}
	if err := json.Unmarshal(rec.Body.Bytes(), &a.body); err != nil {
		t.Fatalf("%s: body is not JSON: %q", path, rec.Body.String())
	}
	return a
}

func bearerH(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

func mustNew(t testing.TB, c auth0gin.Config) *auth0gin.Auth0 {
	t.Helper()
	a, err := auth0gin.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestValidTokenYieldsTypedUser(t *testing.T) {
	ti := newTestIssuer(t)
	r := newEngine(t, mustNew(t, ti.config()))
	got := call(t, r, "/scoped", bearerH(ti.token(t, nil)))
	if got.code != 200 {
		t.Fatalf("status %d, body %v", got.code, got.body)
	}
	u := got.body["user"].(map[string]any)
	if u["id"] != "auth0|alice" || u["email"] != "alice@example.com" {
		t.Errorf("user = %v", u)
	}
	if p := u["permissions"].([]any); len(p) != 2 || p[0] != "read:messages" {
		t.Errorf("permissions = %v", p)
	}
}

func TestMissingTokenIs401WithBareChallenge(t *testing.T) {
	ti := newTestIssuer(t)
	r := newEngine(t, mustNew(t, ti.config()))
	for _, h := range []http.Header{nil, {"Authorization": {"Basic YWxpY2U6c2VjcmV0"}}, {"Authorization": {"Digest x"}}} {
		got := call(t, r, "/private", h)
		if got.code != 401 || got.challenge != `Bearer realm="https://api.test"` {
			t.Errorf("%v: %d %q", h, got.code, got.challenge)
		}
		if got.body["error"] != "unauthorized" {
			t.Errorf("%v: body %v", h, got.body)
		}
	}
}

// TestAttacks covers RFC 8725's list and malformed input: each is a 401 with
// error="invalid_token", never a 400 or a 5xx.
func TestAttacks(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	r := newEngine(t, a)
	good := ti.token(t, nil)
	parts := strings.Split(good, ".")

	pub := ti.key("k0").Public()
	der, err := x509.MarshalPKIXPublicKey(pub.Key)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	hs256 := func(secret []byte) string {
		head := b64(map[string]string{"alg": "HS256", "typ": "JWT", "kid": "k0"})
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(head + "." + parts[1]))
		return head + "." + parts[1] + "." + b64(m.Sum(nil))
	}
	tampered := mergeClaims(ti.claims(), map[string]any{"permissions": []string{"read:messages", "admin:everything"}})

	cases := []struct {
		name   string
		header http.Header
		want   error
	}{
		{"alg none", bearerH(b64(map[string]string{"alg": "none", "typ": "JWT"}) + "." + parts[1] + "."), auth0gin.ErrAlgorithm},
		{"alg none with signature", bearerH(b64(map[string]string{"alg": "none", "kid": "k0"}) + "." + parts[1] + "." + parts[2]), auth0gin.ErrAlgorithm},
		{"HS256 keyed with the PEM public key", bearerH(hs256(pemKey)), auth0gin.ErrAlgorithm},
		{"HS256 keyed with the DER public key", bearerH(hs256(der)), auth0gin.ErrAlgorithm},
		{"tampered payload", bearerH(parts[0] + "." + b64(tampered) + "." + parts[2]), auth0gin.ErrInvalidSignature},
		{"signature of another token", bearerH(parts[0] + "." + parts[1] + "." + strings.Split(ti.token(t, map[string]any{"sub": "x"}), ".")[2]), auth0gin.ErrInvalidSignature},
		{"unknown kid", bearerH(ti.sign(t, "nope", nil)), auth0gin.ErrUnknownKey},
		{"no kid", bearerH(b64(map[string]string{"alg": "RS256"}) + "." + parts[1] + "." + parts[2]), auth0gin.ErrUnknownKey},
		{"expired", bearerH(ti.token(t, map[string]any{"exp": time.Now().Add(-time.Minute).Unix()})), auth0gin.ErrExpired},
		{"nbf in the future", bearerH(ti.token(t, map[string]any{"nbf": time.Now().Add(time.Hour).Unix()})), auth0gin.ErrNotYetValid},
		{"iat in the future", bearerH(ti.token(t, map[string]any{"iat": time.Now().Add(time.Hour).Unix()})), auth0gin.ErrNotYetValid},
		{"wrong iss", bearerH(ti.token(t, map[string]any{"iss": "https://evil.example/"})), auth0gin.ErrIssuer},
		{"iss without trailing slash", bearerH(ti.token(t, map[string]any{"iss": ti.srv.URL})), auth0gin.ErrIssuer},
		{"wrong aud", bearerH(ti.token(t, map[string]any{"aud": "https://other.api"})), auth0gin.ErrAudience},
		{"no aud", bearerH(ti.token(t, map[string]any{"aud": nil})), auth0gin.ErrAudience},
		{"missing exp", bearerH(ti.token(t, map[string]any{"exp": nil})), auth0gin.ErrMissingExpiry},
		{"exp as a string", bearerH(ti.token(t, map[string]any{"exp": "tomorrow"})), auth0gin.ErrInvalidClaims},
		{"permissions not an array", bearerH(ti.token(t, map[string]any{"permissions": "read:messages"})), auth0gin.ErrInvalidClaims},
		{"no sub", bearerH(ti.token(t, map[string]any{"sub": nil})), auth0gin.ErrInvalidClaims},
		{"oversized token", bearerH(ti.token(t, map[string]any{"pad": strings.Repeat("a", 20<<10)})), auth0gin.ErrTokenTooLarge},
		{"malformed base64 header", bearerH("!!!." + parts[1] + "." + parts[2]), auth0gin.ErrMalformedToken},
		{"header base64 with bad chars", bearerH("e30_." + parts[1] + "." + parts[2]), auth0gin.ErrMalformedToken},
		{"malformed JSON header", bearerH(b64("{not json") + "." + parts[1] + "." + parts[2]), auth0gin.ErrMalformedToken},
		{"malformed base64 payload", bearerH(parts[0] + ".%%%." + parts[2]), auth0gin.ErrMalformedToken},
		{"malformed JSON payload", bearerH(parts[0] + "." + b64("[1,2") + "." + parts[2]), auth0gin.ErrInvalidSignature},
		{"two parts", bearerH(parts[0] + "." + parts[1]), auth0gin.ErrMalformedToken},
		{"five parts (JWE)", bearerH(good + ".a.b"), auth0gin.ErrMalformedToken},
		{"typ id_token", bearerH(b64(map[string]string{"alg": "RS256", "kid": "k0", "typ": "id+jwt"}) + "." + parts[1] + "." + parts[2]), auth0gin.ErrMalformedToken},
		{"empty bearer", http.Header{"Authorization": {"Bearer "}}, auth0gin.ErrMalformedToken},
		{"bearer of spaces", http.Header{"Authorization": {"Bearer     "}}, auth0gin.ErrMalformedToken},
		{"two Authorization headers", http.Header{"Authorization": {"Bearer " + good, "Bearer " + good}}, auth0gin.ErrMalformedToken},
		{"garbage characters", bearerH("<script>alert(1)</script>"), auth0gin.ErrMalformedToken},
		{"non-ASCII", bearerH("é.é.é"), auth0gin.ErrMalformedToken},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := call(t, r, "/private", tc.header)
			if got.code != 401 {
				t.Fatalf("status %d, want 401; body %v", got.code, got.body)
			}
			if !strings.HasPrefix(got.challenge, `Bearer realm="https://api.test", error="invalid_token", error_description="`) {
				t.Errorf("challenge %q", got.challenge)
			}
			if got.body["error"] != "invalid_token" || got.body["error_description"] == "" {
				t.Errorf("body %v", got.body)
			}
			if tc.header != nil && len(tc.header["Authorization"]) == 1 {
				tok := strings.TrimPrefix(tc.header.Get("Authorization"), "Bearer ")
				if _, err := a.Verify(t.Context(), tok); !errors.Is(err, tc.want) {
					t.Errorf("Verify: %v, want errors.Is %v", err, tc.want)
				}
			}
		})
	}
}

func TestScopes(t *testing.T) {
	ti := newTestIssuer(t)
	tok := func(scope string, perms []string) http.Header {
		return bearerH(ti.token(t, map[string]any{"scope": scope, "permissions": perms}))
	}
	type want struct{ either, scopeOnly, permsOnly int }
	cases := []struct {
		name  string
		path  string
		scope string
		perms []string
		want  want
	}{
		{"scope claim", "/scoped", "read:messages", []string{}, want{200, 200, 403}},
		{"permissions claim", "/scoped", "openid", []string{"read:messages"}, want{200, 403, 200}},
		{"neither", "/scoped", "openid", []string{"write:messages"}, want{403, 403, 403}},
		{"all of two, one missing", "/both", "read:messages", []string{}, want{403, 403, 403}},
		{"all of two, split across claims", "/both", "read:messages", []string{"delete:messages"}, want{200, 403, 403}},
		{"any of two", "/any", "", []string{"read:messages"}, want{200, 403, 200}},
		{"any of two, none", "/any", "write:messages", []string{}, want{403, 403, 403}},
	}
	for _, tc := range cases {
		for _, src := range []struct {
			s    auth0gin.ScopeSource
			want func(want) int
		}{
			{auth0gin.ScopeOrPermissions, func(w want) int { return w.either }},
			{auth0gin.ScopeClaimOnly, func(w want) int { return w.scopeOnly }},
			{auth0gin.PermissionsClaimOnly, func(w want) int { return w.permsOnly }},
		} {
			cfg := ti.config()
			cfg.ScopeSource = src.s
			r := newEngine(t, mustNew(t, cfg))
			got := call(t, r, tc.path, tok(tc.scope, tc.perms))
			if got.code != src.want(tc.want) {
				t.Errorf("%s (source %d): %d, want %d", tc.name, src.s, got.code, src.want(tc.want))
			}
			if got.code == 403 && (!strings.Contains(got.challenge, `error="insufficient_scope"`) ||
				!strings.Contains(got.challenge, `scope="`) || got.body["error"] != "insufficient_scope") {
				t.Errorf("%s: 403 answer %q %v", tc.name, got.challenge, got.body)
			}
		}
	}
}

func TestForbiddenChallengeNamesScopes(t *testing.T) {
	ti := newTestIssuer(t)
	r := newEngine(t, mustNew(t, ti.config()))
	got := call(t, r, "/scoped", bearerH(ti.token(t, map[string]any{"scope": "openid", "permissions": []string{}})))
	want := `Bearer realm="https://api.test", error="insufficient_scope", error_description="missing scope read:messages", scope="read:messages"`
	if got.code != 403 || got.challenge != want || got.body["scope"] != "read:messages" {
		t.Errorf("%d %q %v", got.code, got.challenge, got.body)
	}
}

func TestRoles(t *testing.T) {
	ti := newTestIssuer(t)
	r := newEngine(t, mustNew(t, ti.config()))
	if got := call(t, r, "/admin", bearerH(ti.token(t, nil))); got.code != 200 {
		t.Errorf("admin: %d", got.code)
	}
	if got := call(t, r, "/admin", bearerH(ti.token(t, map[string]any{testRolesClaim: []string{"viewer"}}))); got.code != 403 {
		t.Errorf("viewer: %d", got.code)
	}
	if got := call(t, r, "/admin", bearerH(ti.token(t, map[string]any{testRolesClaim: nil}))); got.code != 403 {
		t.Errorf("no roles: %d", got.code)
	}
}

func TestOptionalAuth(t *testing.T) {
	ti := newTestIssuer(t)
	r := newEngine(t, mustNew(t, ti.config()))
	if got := call(t, r, "/optional", nil); got.code != 200 || got.body["user"] != nil {
		t.Errorf("guest: %d %v", got.code, got.body)
	}
	if got := call(t, r, "/optional", bearerH(ti.token(t, nil))); got.code != 200 || got.body["user"] == nil {
		t.Errorf("user: %d %v", got.code, got.body)
	}
	if got := call(t, r, "/optional", bearerH(ti.token(t, map[string]any{"exp": time.Now().Add(-time.Hour).Unix()}))); got.code != 401 {
		t.Errorf("expired token in guest mode: %d, want 401", got.code)
	}
}

func TestEmailClaim(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	verify := func(over map[string]any) *auth0gin.Auth0User {
		u, err := a.Verify(t.Context(), ti.token(t, over))
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	if e := verify(nil).Email; e == nil || *e != "alice@example.com" {
		t.Errorf("namespaced: %v", e)
	}
	if e := verify(map[string]any{testEmailClaim: nil, "email": "plain@example.com"}).Email; e == nil || *e != "plain@example.com" {
		t.Errorf("fallback: %v", e)
	}
	if e := verify(map[string]any{testEmailClaim: nil}).Email; e != nil {
		t.Errorf("absent: %v", *e)
	}
	// Claim names match exactly: a differently cased claim is not the email.
	if e := verify(map[string]any{testEmailClaim: nil, "HTTPS://EXAMPLE.COM/EMAIL": "x@evil"}).Email; e != nil {
		t.Errorf("case-folded claim accepted: %v", *e)
	}
	b, _ := json.Marshal(verify(map[string]any{testEmailClaim: nil}))
	if !strings.Contains(string(b), `"email":null`) {
		t.Errorf("absent email must marshal as null: %s", b)
	}
}

func TestM2MUser(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	u, err := a.Verify(t.Context(), ti.token(t, map[string]any{
		"sub": "m2m-client@clients", "gty": "client-credentials", "aud": testAudience,
		testEmailClaim: nil, testRolesClaim: nil, "permissions": nil, "scope": "read:messages",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !u.IsM2M() || u.Email != nil || u.Permissions == nil || len(u.Permissions) != 0 {
		t.Errorf("M2M user = %+v", u)
	}
	u2, _ := a.Verify(t.Context(), ti.token(t, nil))
	if u2.IsM2M() {
		t.Error("a password-grant user is not M2M")
	}
}

func TestUserFromPlainContext(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	var fromReq, fromGin *auth0gin.Auth0User
	r := gin.New()
	r.GET("/x", a.RequireScopes(), func(c *gin.Context) {
		fromGin = auth0gin.MustUser(c)
		fromReq, _ = auth0gin.UserFrom(c.Request.Context())
	})
	call2 := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/x", nil)
	req.Header.Set("Authorization", "Bearer "+ti.token(t, nil))
	r.ServeHTTP(call2, req)
	if fromGin == nil || fromReq != fromGin {
		t.Fatalf("gin %v, request ctx %v", fromGin, fromReq)
	}
	if _, ok := auth0gin.UserFrom(t.Context()); ok {
		t.Error("a bare context has no user")
	}
	defer func() {
		if recover() == nil {
			t.Error("MustUser without middleware must panic")
		}
	}()
	auth0gin.MustUser(t.Context())
}

func TestNetHTTPMiddleware(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	h := a.Middleware(auth0gin.Scopes("read:messages"))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := auth0gin.MustUser(r.Context())
		_ = json.NewEncoder(w).Encode(map[string]any{"user": u})
	}))
	if got := call(t, h, "/", bearerH(ti.token(t, nil))); got.code != 200 || got.body["user"].(map[string]any)["id"] != "auth0|alice" {
		t.Errorf("%d %v", got.code, got.body)
	}
	if got := call(t, h, "/", nil); got.code != 401 || got.challenge == "" {
		t.Errorf("no token: %d %q", got.code, got.challenge)
	}
	if got := call(t, h, "/", bearerH(ti.token(t, map[string]any{"scope": "", "permissions": []string{}}))); got.code != 403 {
		t.Errorf("no scope: %d", got.code)
	}
}

func TestUndeclaredScopePanicsAtRegistration(t *testing.T) {
	ti := newTestIssuer(t)
	cfg := ti.config()
	cfg.Scopes = map[string]string{"read:messages": "Read messages"}
	a := mustNew(t, cfg)
	a.RequireScopes("read:messages") // declared: fine
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), `"read:mesages"`) {
			t.Errorf("recovered %v", r)
		}
	}()
	a.RequireScopes("read:mesages")
}

// A guarded answer is Cache-Control: no-store (a session cookie carries no
// Authorization header to keep caches from storing it), unless the handler
// chooses its own; a route with no guard is left alone.
func TestGuardedAnswersAreNotStored(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	r := gin.New()
	r.GET("/open", func(c *gin.Context) { c.Status(http.StatusOK) })
	r.GET("/private", a.RequireScopes(), func(c *gin.Context) { c.Status(http.StatusOK) })
	r.GET("/guest", a.Require(auth0gin.Optional()), func(c *gin.Context) { c.Status(http.StatusOK) })
	r.GET("/cached", a.RequireScopes(), func(c *gin.Context) {
		c.Header("Cache-Control", "private, max-age=60")
		c.Status(http.StatusOK)
	})
	h := a.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	tok := ti.token(t, nil)
	for _, c := range []struct {
		path, token, want string
	}{
		{"/open", tok, ""},
		{"/private", tok, "no-store"},
		{"/private", "", "no-store"}, // the refusal too
		{"/guest", "", "no-store"},
		{"/cached", tok, "private, max-age=60"},
	} {
		req := httptest.NewRequest("GET", c.path, nil)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if got := w.Header().Get("Cache-Control"); got != c.want {
			t.Errorf("GET %s (token %v): Cache-Control %q, want %q", c.path, c.token != "", got, c.want)
		}
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if got := w.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Middleware: Cache-Control %q, want no-store", got)
	}
}
