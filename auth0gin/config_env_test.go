package auth0gin_test

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// dotEnvKeys are the variables the AUTH0_ENV tests write in their files. Each
// test unsets them through t.Setenv, so whatever FromEnv puts into the
// process environment is undone when the test ends.
var dotEnvKeys = []string{"AUTH0_ENV", "AUTH0_DOMAIN", "AUTH0_API_AUDIENCE", "AUTH0_CLIENT_ID", "AUTH0_ISSUER",
	"AUTH0_EMAIL_CLAIM", "AUTH0_ROLES_CLAIM", "AUTH0_SCOPE_SOURCE", "AUTH0_CLOCK_SKEW", "AUTH0_ALGORITHMS",
	"AUTH0_JWKS_URL", "AUTH0_TOKEN_CACHE", "AUTH0GIN_TEST_SETTING"}

// inDotEnvDir runs the test in a fresh directory holding files (name →
// content), with dotEnvKeys unset.
func inDotEnvDir(t *testing.T, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	for _, k := range dotEnvKeys {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

func fromEnv(t *testing.T) auth0gin.Config {
	t.Helper()
	a, err := auth0gin.New(auth0gin.FromEnv())
	if err != nil {
		t.Fatal(err)
	}
	return a.Config()
}

const (
	baseDotEnv = "AUTH0_DOMAIN=base.example.com\nAUTH0_API_AUDIENCE=https://api\nAUTH0_CLIENT_ID=base-client\nAUTH0GIN_TEST_SETTING=from-base\n"
	devDotEnv  = "AUTH0_DOMAIN=company-dev.eu.auth0.com\nAUTH0GIN_TEST_SETTING=from-dev\n"
)

func TestAuth0EnvFileOverridesDotEnv(t *testing.T) {
	inDotEnvDir(t, map[string]string{".env": baseDotEnv, ".env.dev": devDotEnv, ".env.int": "AUTH0_DOMAIN=company-int.eu.auth0.com\n"})
	t.Setenv("AUTH0_ENV", "dev")
	c := fromEnv(t)
	if c.Domain != "https://company-dev.eu.auth0.com/" {
		t.Errorf("Domain = %q: .env.dev must win over .env", c.Domain)
	}
	if c.ClientID != "base-client" || len(c.Audience) != 1 || c.Audience[0] != "https://api" {
		t.Errorf("ClientID %q, Audience %v: what .env.dev leaves out comes from .env", c.ClientID, c.Audience)
	}
	if got := os.Getenv("AUTH0GIN_TEST_SETTING"); got != "from-dev" {
		t.Errorf("AUTH0GIN_TEST_SETTING = %q: the app's own settings go into the process environment, .env.dev first", got)
	}
}

func TestRealEnvironmentOverridesBothFiles(t *testing.T) {
	inDotEnvDir(t, map[string]string{".env": baseDotEnv, ".env.dev": devDotEnv + "AUTH0_CLIENT_ID=dev-client\n"})
	t.Setenv("AUTH0_ENV", "dev")
	t.Setenv("AUTH0_DOMAIN", "real.example.com")
	t.Setenv("AUTH0_CLIENT_ID", "real-client")
	t.Setenv("AUTH0GIN_TEST_SETTING", "real")
	c := fromEnv(t)
	if c.Domain != "https://real.example.com/" || c.ClientID != "real-client" {
		t.Errorf("Domain %q, ClientID %q: the real environment must win over both files", c.Domain, c.ClientID)
	}
	if got := os.Getenv("AUTH0GIN_TEST_SETTING"); got != "real" {
		t.Errorf("AUTH0GIN_TEST_SETTING = %q: a variable already set is never overwritten", got)
	}
}

func TestWithoutAuth0EnvOnlyDotEnvIsRead(t *testing.T) {
	inDotEnvDir(t, map[string]string{".env": baseDotEnv, ".env.dev": devDotEnv})
	if c := fromEnv(t); c.Domain != "https://base.example.com/" {
		t.Errorf("Domain = %q: without AUTH0_ENV, .env.dev must not be read", c.Domain)
	}
}

func TestAuth0EnvFromDotEnv(t *testing.T) {
	inDotEnvDir(t, map[string]string{".env": "AUTH0_ENV=dev\n" + baseDotEnv, ".env.dev": devDotEnv})
	if c := fromEnv(t); c.Domain != "https://company-dev.eu.auth0.com/" {
		t.Errorf("Domain = %q: AUTH0_ENV in .env selects .env.dev", c.Domain)
	}
}

func TestAuth0EnvWithoutDotEnv(t *testing.T) {
	inDotEnvDir(t, map[string]string{".env.prod": "AUTH0_DOMAIN=company.eu.auth0.com\nAUTH0_API_AUDIENCE=https://api\n"})
	t.Setenv("AUTH0_ENV", "prod")
	if c := fromEnv(t); c.Domain != "https://company.eu.auth0.com/" {
		t.Errorf("Domain = %q", c.Domain)
	}
}

func TestMissingAuth0EnvFileIsAnError(t *testing.T) {
	inDotEnvDir(t, map[string]string{".env": baseDotEnv, ".env.dev": devDotEnv})
	t.Setenv("AUTH0_ENV", "int")
	_, err := auth0gin.New(auth0gin.FromEnv())
	if !errors.Is(err, auth0gin.ErrConfig) || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), ".env.int") {
		t.Errorf("err = %v, want ErrConfig naming .env.int", err)
	}
	if v, ok := os.LookupEnv("AUTH0_DOMAIN"); ok {
		t.Errorf("AUTH0_DOMAIN = %q: nothing is loaded when the selected file is missing", v)
	}
}

func TestAuth0EnvMustBeAPlainName(t *testing.T) {
	inDotEnvDir(t, map[string]string{".env": baseDotEnv})
	for _, name := range []string{"../etc/passwd", "dev/x", ".hidden", "-dev", "a b"} {
		t.Setenv("AUTH0_ENV", name)
		if _, err := auth0gin.New(auth0gin.FromEnv()); !errors.Is(err, auth0gin.ErrConfig) || !strings.Contains(err.Error(), "AUTH0_ENV") {
			t.Errorf("AUTH0_ENV=%q: err = %v, want ErrConfig naming AUTH0_ENV", name, err)
		}
	}
}

// SESSION_PUBLIC_ORIGIN, package session's variable before the public origin
// moved to the core, is still read as a deprecated alias of
// AUTH0GIN_PUBLIC_ORIGIN: New logs one warning naming the new variable.
func TestFromEnvReadsDeprecatedSessionPublicOrigin(t *testing.T) {
	inDotEnvDir(t, nil)
	t.Setenv("AUTH0GIN_PUBLIC_ORIGIN", "")
	t.Setenv("SESSION_PUBLIC_ORIGIN", "https://App.example.com/")
	cfg := auth0gin.FromEnv()
	cfg.Domain, cfg.Audience = "tenant.example.com", []string{"https://api"}
	var logs strings.Builder
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	a, err := auth0gin.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Config().PublicOrigin; got != "https://app.example.com" {
		t.Errorf("PublicOrigin %q, want https://app.example.com from SESSION_PUBLIC_ORIGIN", got)
	}
	if n := strings.Count(logs.String(), "AUTH0GIN_PUBLIC_ORIGIN"); n != 1 {
		t.Errorf("%d warnings naming AUTH0GIN_PUBLIC_ORIGIN, want 1:\n%s", n, logs.String())
	}
}

// Both variables set to different origins is a configuration error; the
// same origin (once normalised) is not.
func TestFromEnvRefusesTwoDifferentPublicOrigins(t *testing.T) {
	inDotEnvDir(t, nil)
	t.Setenv("AUTH0GIN_PUBLIC_ORIGIN", "https://api.example.com")
	t.Setenv("SESSION_PUBLIC_ORIGIN", "https://app.example.com")
	cfg := auth0gin.FromEnv()
	cfg.Domain, cfg.Audience = "tenant.example.com", []string{"https://api"}
	if _, err := auth0gin.New(cfg); !errors.Is(err, auth0gin.ErrConfig) || !strings.Contains(err.Error(), "SESSION_PUBLIC_ORIGIN") {
		t.Errorf("two different public origins: err = %v, want ErrConfig naming SESSION_PUBLIC_ORIGIN", err)
	}
	t.Setenv("SESSION_PUBLIC_ORIGIN", "https://API.example.com:443")
	cfg = auth0gin.FromEnv()
	cfg.Domain, cfg.Audience = "tenant.example.com", []string{"https://api"}
	if _, err := auth0gin.New(cfg); err != nil {
		t.Errorf("the same origin under both names: %v", err)
	}
}
