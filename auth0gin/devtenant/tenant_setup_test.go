package devtenant_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

func TestKeyRotation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cur0, next0, _ := e.Keys()
	old, err := e.IssueToken(ctx, devtenant.TokenRequest{User: devtenant.Alice.Email})
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
	fresh := e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, "").str("access_token")
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
	tok, _ := e1.IssueToken(context.Background(), devtenant.TokenRequest{User: devtenant.Alice.Email})
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

func TestNewValidatesConfig(t *testing.T) {
	for name, mutate := range map[string]func(*devtenant.Config){
		"no issuer":             func(c *devtenant.Config) { c.Issuer = "" },
		"bad issuer":            func(c *devtenant.Config) { c.Issuer = "ftp://x" },
		"public wildcard":       func(c *devtenant.Config) { c.Clients[0].Callbacks = []string{"https://app.example:*/cb"} },
		"unknown grant type":    func(c *devtenant.Config) { c.Clients[0].GrantTypes = []string{"magic"} },
		"unknown client type":   func(c *devtenant.Config) { c.Clients[0].Type = "magic" },
		"unknown dialect":       func(c *devtenant.Config) { c.Dialect = "jwe" },
		"grant of unknown API":  func(c *devtenant.Config) { c.Clients[1].Grants["https://nope"] = nil },
		"undeclared scope":      func(c *devtenant.Config) { c.Clients[1].Grants[devtenant.Audience] = []string{"admin"} },
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
		len(cfg.Users) != 1 || len(cfg.Clients) != 3 || cfg.Users[0].Permissions[devtenant.Audience][0] != "read:messages" {
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
	os.WriteFile(js, []byte(`{"apis":[{"identifier":"https://x.example","token_lifetime":"2h","scopes":[{"name":"a"}]}],"dialect":"rfc9068","dpop_nonce":true}`), 0o600)
	if cfg, err = devtenant.LoadConfig(js); err != nil {
		t.Fatal(err)
	}
	if cfg.APIs[0].TokenLifetime != 2*time.Hour || cfg.Dialect != "rfc9068" || !cfg.DPoPNonce {
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
