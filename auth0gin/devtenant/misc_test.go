package devtenant_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

const tooMany = "Too many requests. Check the X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers."

func TestRateLimitHeadersAndFailNext(t *testing.T) {
	e := newEnv(t)
	r := e.get(t, ".well-known/jwks.json", "")
	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
		if _, err := strconv.ParseInt(r.header.Get(h), 10, 64); err != nil {
			t.Errorf("%s = %q", h, r.header.Get(h))
		}
	}
	if reset, _ := strconv.ParseInt(r.header.Get("X-RateLimit-Reset"), 10, 64); reset <= e.clock.Now().Unix()-1 {
		t.Errorf("reset %d is not an epoch second ahead", reset)
	}
	e.FailNext(2)
	for range 2 {
		r = e.password(t, devtenant.AliceEmail, devtenant.AlicePassword, "")
		wantOAuthError(t, r, 429, "too_many_requests", tooMany)
		if r.header.Get("X-RateLimit-Remaining") != "0" {
			t.Errorf("remaining %q", r.header.Get("X-RateLimit-Remaining"))
		}
	}
	wantStatus(t, e.password(t, devtenant.AliceEmail, devtenant.AlicePassword, ""), 200)
	// The Management API answers in its own shape.
	e.FailNext(1)
	r = e.mgmtDo(t, "GET", "users", "", "x")
	wantMgmtError(t, r, 429, "too_many_requests", tooMany)
}

func TestRateLimitEnforced(t *testing.T) {
	e := newEnv(t, func(c *devtenant.Config) { c.RateLimit = 2 })
	wantStatus(t, e.get(t, ".well-known/jwks.json", ""), 200)
	r := e.get(t, ".well-known/jwks.json", "")
	if r.status != 200 || r.header.Get("X-RateLimit-Remaining") != "0" || r.header.Get("X-RateLimit-Limit") != "2" {
		t.Fatalf("%d %v", r.status, r.header)
	}
	wantOAuthError(t, e.get(t, ".well-known/jwks.json", ""), 429, "too_many_requests", tooMany)
	e.clock.Advance(time.Second)
	wantStatus(t, e.get(t, ".well-known/jwks.json", ""), 200)
}

func TestKeyRotation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cur0, next0, _ := e.Keys()
	old, err := e.IssueToken(ctx, devtenant.TokenRequest{User: devtenant.AliceEmail})
	if err != nil {
		t.Fatal(err)
	}
	e.RotateKeys()
	cur1, next1, prev1 := e.Keys()
	if cur1 != next0 || prev1 != cur0 || next1 == cur0 || next1 == next0 {
		t.Fatalf("after rotation %q %q %q (before %q %q)", cur1, next1, prev1, cur0, next0)
	}
	if n := len(e.get(t, ".well-known/jwks.json", "").json["keys"].([]any)); n != 3 {
		t.Fatalf("JWKS has %d keys, want 3", n)
	}
	if err := e.verify(old); err != nil {
		t.Fatalf("old token no longer verifies: %v", err)
	}
	fresh := e.password(t, devtenant.AliceEmail, devtenant.AlicePassword, "").str("access_token")
	if h, _ := claims(t, fresh); h["kid"] != cur1 {
		t.Errorf("new token kid %v, want %v", h["kid"], cur1)
	}
	if err := e.RevokeKey(cur1); err == nil {
		t.Error("revoking the current key succeeded")
	}
	if err := e.RevokeKey("nope"); err == nil {
		t.Error("revoking an unknown key succeeded")
	}
	if err := e.RevokeKey(prev1); err != nil {
		t.Fatal(err)
	}
	if n := len(e.get(t, ".well-known/jwks.json", "").json["keys"].([]any)); n != 2 {
		t.Fatalf("JWKS has %d keys after revoke, want 2", n)
	}
	if err := e.verify(old); err == nil {
		t.Fatal("a token of the revoked key still verifies")
	}
	if err := e.verify(fresh); err != nil {
		t.Fatal(err)
	}
}

func TestKeyFilePersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	e1 := newEnv(t, func(c *devtenant.Config) { c.KeyFile = path })
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", st.Mode().Perm())
	}
	e1.RotateKeys()
	tok, _ := e1.IssueToken(context.Background(), devtenant.TokenRequest{User: devtenant.AliceEmail})
	c1, n1, p1 := e1.Keys()
	e2 := newEnv(t, func(c *devtenant.Config) { c.KeyFile = path })
	c2, n2, p2 := e2.Keys()
	if c1 != c2 || n1 != n2 || p1 != p2 {
		t.Fatalf("keys changed across restart: %q %q %q vs %q %q %q", c1, n1, p1, c2, n2, p2)
	}
	// Same keys; the token verifies against the second tenant's JWKS.
	if err := e2.verify(tok); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("{garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := devtenant.Default()
	cfg.Issuer, cfg.KeyFile = "http://127.0.0.1:1/", path
	if _, err := devtenant.New(cfg); err == nil {
		t.Error("New accepted a corrupt key file")
	}
}

// TestBadInputNever5xx throws broken and hostile requests at every endpoint.
func TestBadInputNever5xx(t *testing.T) {
	e := newEnv(t)
	big := bytes.Repeat([]byte("a"), 2<<20)
	bodies := []struct{ ct, body string }{
		{"application/json", `{"grant_type":`},
		{"application/json", `[1,2,3]`},
		{"application/json", `{"grant_type":{"x":1},"client_id":["a"]}`},
		{"application/json", `null`},
		{"application/x-www-form-urlencoded", "%zz=%%%&;;"},
		{"application/x-www-form-urlencoded", "grant_type=password&client_id=" + devtenant.DefaultSPAClientID + "&username=a&password=b&scope=%00%01"},
		{"text/plain", "hello"},
		{"application/json", `{"grant_type":"refresh_token","client_id":"` + devtenant.DefaultSPAClientID + `","refresh_token":null}`},
		{"application/x-www-form-urlencoded", "grant_type=password&" + string(big)},
		{"application/json", `{"email":"` + string(big) + `"}`},
	}
	m2m := e.m2m(t, e.ManagementAudience())
	paths := []struct{ method, path string }{
		{"POST", "oauth/token"}, {"POST", "oauth/device/code"}, {"POST", "oauth/revoke"}, {"POST", "u/login"}, {"POST", "activate"},
		{"POST", "api/v2/users"}, {"PATCH", "api/v2/users/" + url.PathEscape(devtenant.AliceID)},
	}
	for _, p := range paths {
		for _, b := range bodies {
			req, _ := http.NewRequest(p.method, e.url+p.path, strings.NewReader(b.body))
			req.Header.Set("Content-Type", b.ct)
			if strings.HasPrefix(p.path, "api/") {
				req.Header.Set("Authorization", "Bearer "+m2m)
			}
			r := do(t, nil, req)
			if r.status >= 500 || (r.status < 400 && p.path != "oauth/device/code") {
				t.Errorf("%s %s with %.40q: %d %s", p.method, p.path, b.body, r.status, r.body)
			}
			if len(b.body) > 1<<20 && r.status != http.StatusRequestEntityTooLarge && !strings.HasPrefix(p.path, "u/") && p.path != "activate" {
				t.Errorf("%s %s with a 2 MiB body: %d, want 413", p.method, p.path, r.status)
			}
		}
	}
	if r := e.postJSON(t, "oauth/token", `{"grant_type":`, ""); r.str("error") != "invalid_request" {
		t.Errorf("broken JSON: %s", r.body)
	}
	for _, path := range []string{
		"authorize?" + strings.Repeat("a=b&", 2000), "authorize?client_id=%ff%fe", "userinfo", "api/v2/users/%00", "v2/logout?returnTo=%zz",
		"api/v2/users?q=" + url.QueryEscape(`email:"`), "api/v2/users?page=-1", "activate?user_code=<script>", "nope", ".well-known/nope",
	} {
		req, _ := http.NewRequest("GET", e.url+path, nil)
		req.Header.Set("Authorization", "Bearer "+m2m)
		if r := do(t, nil, req); r.status >= 500 {
			t.Errorf("GET %s: %d %s", path, r.status, r.body)
		}
	}
	for _, h := range []string{"Bearer", "Bearer ", "Basic xxx", "Bearer a.b.c", "Bearer " + strings.Repeat("x", 20000), "Bearer eyJhbGciOiJub25lIn0.e30."} {
		req, _ := http.NewRequest("GET", e.url+"userinfo", nil)
		req.Header.Set("Authorization", h)
		if r := do(t, nil, req); r.status != 401 {
			t.Errorf("userinfo with %.30q: %d", h, r.status)
		}
	}
}

func TestCORS(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest("OPTIONS", e.url+"oauth/token", nil)
	req.Header.Set("Origin", "http://127.0.0.1:6060")
	req.Header.Set("Access-Control-Request-Method", "POST")
	r := do(t, nil, req)
	if r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != "http://127.0.0.1:6060" {
		t.Errorf("preflight %d %v", r.status, r.header)
	}
	// Swagger UI's token request carries X-Requested-With: a preflight that
	// does not allow it makes the browser drop the PKCE code exchange.
	allowed := strings.ToLower(r.header.Get("Access-Control-Allow-Headers"))
	for _, h := range []string{"content-type", "authorization", "x-requested-with"} {
		if !strings.Contains(allowed, h) {
			t.Errorf("preflight does not allow %s: %q", h, allowed)
		}
	}
	req.Header.Set("Origin", "https://evil.example")
	if r := do(t, nil, req); r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("evil origin allowed")
	}
}

func TestNewValidatesConfig(t *testing.T) {
	for name, mutate := range map[string]func(*devtenant.Config){
		"no issuer":             func(c *devtenant.Config) { c.Issuer = "" },
		"bad issuer":            func(c *devtenant.Config) { c.Issuer = "ftp://x" },
		"public wildcard":       func(c *devtenant.Config) { c.Clients[0].Callbacks = []string{"https://app.example:*/cb"} },
		"unknown grant type":    func(c *devtenant.Config) { c.Clients[0].GrantTypes = []string{"magic"} },
		"grant of unknown API":  func(c *devtenant.Config) { c.Clients[1].Grants["https://nope"] = nil },
		"undeclared scope":      func(c *devtenant.Config) { c.Clients[1].Grants[devtenant.DefaultAudience] = []string{"admin"} },
		"duplicate user":        func(c *devtenant.Config) { c.Users = append(c.Users, devtenant.User{Email: "ALICE@example.com"}) },
		"bad claim source":      func(c *devtenant.Config) { c.ExtraClaims = map[string]string{"https://x/y": "shoe_size"} },
		"unknown default aud":   func(c *devtenant.Config) { c.DefaultAudience = "https://nope" },
		"duplicate client":      func(c *devtenant.Config) { c.Clients = append(c.Clients, c.Clients[0]) },
		"user without an email": func(c *devtenant.Config) { c.Users = append(c.Users, devtenant.User{}) },
	} {
		cfg := devtenant.Default()
		cfg.Issuer = "http://127.0.0.1:4000"
		mutate(&cfg)
		if _, err := devtenant.New(cfg); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	yml := filepath.Join(dir, "tenant.yaml")
	os.WriteFile(yml, []byte(`
issuer: http://127.0.0.1:4000
access_token_lifetime: 1h
refresh_reuse_leeway: 30
users:
  - email: carol@example.com
    password: carol-password
    permissions: {"https://auth0gin.example/api": ["read:messages"]}
    user_metadata: {team: blue}
extra_claims:
  https://example.com/team: user_metadata.team
`), 0o600)
	cfg, err := devtenant.LoadConfig(yml)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Issuer != "http://127.0.0.1:4000" || cfg.AccessTokenLifetime != time.Hour || cfg.RefreshReuseLeeway != 30*time.Second ||
		len(cfg.Users) != 1 || len(cfg.Clients) != 3 || cfg.Users[0].Permissions[devtenant.DefaultAudience][0] != "read:messages" {
		t.Fatalf("config %+v", cfg)
	}
	tn, err := devtenant.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tn.IssueToken(context.Background(), devtenant.TokenRequest{User: "carol@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, c := claims(t, tok); c["https://example.com/team"] != "blue" || c["scope"] != "read:messages" || c["exp"].(float64)-c["iat"].(float64) != 3600 {
		t.Errorf("claims %v", c)
	}

	js := filepath.Join(dir, "tenant.json")
	os.WriteFile(js, []byte(`{"apis":[{"identifier":"https://x.example","token_lifetime":"2h","scopes":[{"name":"a"}]}],"dialect":"rfc9068"}`), 0o600)
	if cfg, err = devtenant.LoadConfig(js); err != nil {
		t.Fatal(err)
	}
	if cfg.APIs[0].TokenLifetime != 2*time.Hour || cfg.Dialect != devtenant.DialectRFC9068 {
		t.Errorf("json config %+v", cfg)
	}
	for name, content := range map[string]string{"typo.json": `{"isuer":"x"}`, "bad.yaml": "users: [", "x.toml": "a=1"} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		if _, err := devtenant.LoadConfig(p); err == nil {
			t.Errorf("%s loaded", name)
		}
	}
}

func TestListen(t *testing.T) {
	s, err := devtenant.Listen("127.0.0.1:0", devtenant.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Issuer() != s.URL || !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Fatalf("issuer %q url %q", s.Issuer(), s.URL)
	}
	res, err := http.Get(s.URL + ".well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
}
