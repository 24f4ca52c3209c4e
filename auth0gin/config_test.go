package auth0gin_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// TestDomain checks how New turns a Domain into the tenant's base URL, which
// is also the default issuer.
func TestDomain(t *testing.T) {
	cases := map[string]string{
		"tenant.eu.auth0.com":          "https://tenant.eu.auth0.com/",
		"https://tenant.eu.auth0.com":  "https://tenant.eu.auth0.com/",
		"https://tenant.eu.auth0.com/": "https://tenant.eu.auth0.com/",
		" login.example.com ":          "https://login.example.com/",
		"http://127.0.0.1:4000":        "http://127.0.0.1:4000/",
		"http://localhost:4000/":       "http://localhost:4000/",
		"http://[::1]:4000":            "http://[::1]:4000/",
	}
	for in, want := range cases {
		a, err := auth0gin.New(auth0gin.Config{Domain: in, Audience: []string{"https://api"}})
		if err != nil {
			t.Errorf("Domain %q: %v", in, err)
			continue
		}
		if c := a.Config(); c.Domain != want || len(c.Issuers) != 1 || c.Issuers[0] != want {
			t.Errorf("Domain %q: Domain %q, Issuers %q; want %q", in, c.Domain, c.Issuers, want)
		}
	}
	for _, bad := range []string{"", "http://tenant.auth0.com", "http://10.0.0.1:4000", "ftp://x", "https://u:p@x", "https://x/?q=1", "https://"} {
		if _, err := auth0gin.New(auth0gin.Config{Domain: bad, Audience: []string{"https://api"}}); !errors.Is(err, auth0gin.ErrConfig) {
			t.Errorf("Domain %q: err = %v, want ErrConfig", bad, err)
		}
	}
}

func TestNewRejectsMisconfiguration(t *testing.T) {
	ok := auth0gin.Config{Domain: "tenant.auth0.com", Audience: []string{"https://api"}}
	if _, err := auth0gin.New(ok); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	bad := map[string]func(*auth0gin.Config){
		"no domain":             func(c *auth0gin.Config) { c.Domain = "" },
		"no audience":           func(c *auth0gin.Config) { c.Audience = nil },
		"plain http, public":    func(c *auth0gin.Config) { c.Domain = "http://tenant.auth0.com" },
		"HS256":                 func(c *auth0gin.Config) { c.Algorithms = []string{"HS256"} },
		"none":                  func(c *auth0gin.Config) { c.Algorithms = []string{"none"} },
		"insecure JWKS URL":     func(c *auth0gin.Config) { c.JWKSURL = "http://evil.example/jwks.json" },
		"negative duration":     func(c *auth0gin.Config) { c.KeyMinRefetch = -1 },
		"email claim not UTF-8": func(c *auth0gin.Config) { c.EmailClaim = "https://x/\xff" },
		"bad scope source":      func(c *auth0gin.Config) { c.ScopeSource = 9 },
		"roles claim = email's": func(c *auth0gin.Config) { c.EmailClaim, c.RolesClaim = "https://x/c", "https://x/c" },
	}
	for name, mutate := range bad {
		c := ok
		mutate(&c)
		if _, err := auth0gin.New(c); !errors.Is(err, auth0gin.ErrConfig) {
			t.Errorf("%s: err = %v, want ErrConfig", name, err)
		}
	}
}

func TestMustNewPanicsOnBadConfig(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	auth0gin.MustNew(auth0gin.Config{})
}

func TestFromEnvReadsDotEnv(t *testing.T) {
	dir := t.TempDir()
	env := "AUTH0_DOMAIN=tenant.us.auth0.com\nAUTH0_API_AUDIENCE=https://a, https://b\nAUTH0_CLIENT_ID=spa\n" +
		"AUTH0_EMAIL_CLAIM=https://example.com/email\nAUTH0_SCOPE_SOURCE=permissions\nAUTH0_CLOCK_SKEW=30s\n"
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(env), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	t.Setenv("AUTH0_CLIENT_ID", "from-the-environment") // the environment wins over .env
	for _, k := range []string{"AUTH0_DOMAIN", "AUTH0_API_AUDIENCE", "AUTH0_EMAIL_CLAIM", "AUTH0_SCOPE_SOURCE", "AUTH0_CLOCK_SKEW", "AUTH0_ISSUER"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	a, err := auth0gin.New(auth0gin.FromEnv())
	if err != nil {
		t.Fatal(err)
	}
	c := a.Config()
	if !slices.Equal(c.Issuers, []string{"https://tenant.us.auth0.com/"}) || len(c.Audience) != 2 || c.Audience[1] != "https://b" ||
		c.ClientID != "from-the-environment" || c.EmailClaim != "https://example.com/email" ||
		c.ScopeSource != auth0gin.PermissionsClaimOnly || c.ClockSkew.Seconds() != 30 {
		t.Errorf("config = %+v", c)
	}
	if got := a.Config().Issuers[0] + "authorize"; got != "https://tenant.us.auth0.com/authorize" {
		t.Errorf("Endpoint = %q", got)
	}
}

func TestFromEnvBadValueFailsInNew(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("AUTH0_DOMAIN", "tenant.auth0.com")
	t.Setenv("AUTH0_API_AUDIENCE", "https://api")
	t.Setenv("AUTH0_CLOCK_SKEW", "soon")
	if _, err := auth0gin.New(auth0gin.FromEnv()); !errors.Is(err, auth0gin.ErrConfig) {
		t.Errorf("err = %v", err)
	}
}

func TestIssuerOverride(t *testing.T) {
	ti := newTestIssuer(t)
	cfg := ti.config()
	cfg.Issuers = []string{ti.srv.URL} // an issuer that omits the trailing slash
	a := mustNew(t, cfg)
	if _, err := a.Verify(t.Context(), ti.token(t, map[string]any{"iss": ti.srv.URL})); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Verify(t.Context(), ti.token(t, nil)); !errors.Is(err, auth0gin.ErrIssuer) {
		t.Errorf("the issuer must match exactly: %v", err)
	}
}

func TestMultipleAudiences(t *testing.T) {
	ti := newTestIssuer(t)
	cfg := ti.config()
	cfg.Audience = []string{"https://other", testAudience}
	a := mustNew(t, cfg)
	if _, err := a.Verify(t.Context(), ti.token(t, map[string]any{"aud": testAudience})); err != nil {
		t.Fatal(err)
	}
}

func TestConfigRejectsDangerousValues(t *testing.T) {
	ok := auth0gin.Config{Domain: "tenant.auth0.com", Audience: []string{"https://api"}}
	bad := map[string]func(*auth0gin.Config){
		"empty audience":            func(c *auth0gin.Config) { c.Audience = []string{""} },
		"userinfo audience":         func(c *auth0gin.Config) { c.Audience = []string{"https://tenant.auth0.com/userinfo"} },
		"email claim named scope":   func(c *auth0gin.Config) { c.EmailClaim = "scope" },
		"roles claim named sub":     func(c *auth0gin.Config) { c.RolesClaim = "sub" },
		"roles claim named email":   func(c *auth0gin.Config) { c.RolesClaim = "email" },
		"email claim named jti":     func(c *auth0gin.Config) { c.EmailClaim = "jti" },
		"control character":         func(c *auth0gin.Config) { c.RolesClaim = "https://x/\nroles" },
		"algorithm in lower case":   func(c *auth0gin.Config) { c.Algorithms = []string{"rs256"} },
		"both HS and RS algorithms": func(c *auth0gin.Config) { c.Algorithms = []string{"RS256", "HS256"} },
		"JWKS URL with a password":  func(c *auth0gin.Config) { c.JWKSURL = "https://jwks:s3cret@tenant.auth0.com/jwks.json" },
		"domain with a password":    func(c *auth0gin.Config) { c.Domain = "https://admin:s3cret@tenant.auth0.com" },
		"keys stale before refresh": func(c *auth0gin.Config) { c.KeyMaxStale = time.Minute }, // refresh: 10m
		"stale as soon as refreshed": func(c *auth0gin.Config) {
			c.KeyRefreshInterval, c.KeyMaxStale = time.Hour, time.Hour
		},
	}
	for name, mutate := range bad {
		c := ok
		mutate(&c)
		if _, err := auth0gin.New(c); !errors.Is(err, auth0gin.ErrConfig) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: err = %v, want ErrConfig, and no password in it", name, err)
		}
	}
	a := mustNew(t, auth0gin.Config{Domain: "My-Tenant.EU.Auth0.com", Audience: []string{"https://api"}})
	if got := a.Config().Issuers[0]; got != "https://my-tenant.eu.auth0.com/" {
		t.Errorf("issuer %q: Auth0 issues with the lower-case host", got)
	}
}
