package management

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConfig(t *testing.T) {
	env := map[string]string{
		EnvDomain: " Tenant.EU.auth0.com ", EnvClientID: "cid", EnvClientSecret: "csecret",
	}
	cfg := configFromLookup(func(k string) string { return env[k] })
	c, base, err := cfg.resolve()
	if err != nil {
		t.Fatal(err)
	}
	if base != "https://tenant.eu.auth0.com/" || c.Audience != "https://tenant.eu.auth0.com/api/v2/" ||
		c.ClientID != "cid" || c.ClientSecret != "csecret" || c.Timeout != DefaultTimeout ||
		c.HTTPClient.Timeout != DefaultTimeout || c.MaxRetries != DefaultMaxRetries || c.MaxWait != DefaultMaxWait {
		t.Errorf("resolved %+v, base %q", c, base)
	}
	env[EnvAudience] = "https://tenant.eu.auth0.com/api/v2/"
	env[EnvDomain] = "login.example.com" // a custom domain
	if c, _, err := configFromLookup(func(k string) string { return env[k] }).resolve(); err != nil || c.Audience != env[EnvAudience] {
		t.Errorf("custom domain: %+v, %v", c, err)
	}

	hc := &http.Client{}
	if c, _, _ := (Config{Domain: "t.auth0.com", ClientID: "a", ClientSecret: "b", HTTPClient: hc, MaxRetries: -1}).resolve(); c.HTTPClient == hc || c.HTTPClient.Timeout != DefaultTimeout || c.MaxRetries != 0 {
		t.Errorf("a client without a timeout was used as is, or MaxRetries -1 kept retries: %+v", c)
	}

	for name, bad := range map[string]Config{
		"no domain":        {ClientID: "a", ClientSecret: "b"},
		"no client id":     {Domain: "t.auth0.com", ClientSecret: "b"},
		"no secret":        {Domain: "t.auth0.com", ClientID: "a"},
		"http":             {Domain: "http://t.auth0.com", ClientID: "a", ClientSecret: "b"},
		"password in URL":  {Domain: "https://u:p4ssw0rd@t.auth0.com", ClientID: "a", ClientSecret: "b"},
		"negative timeout": {Domain: "t.auth0.com", ClientID: "a", ClientSecret: "b", Timeout: -time.Second},
	} {
		_, err := New(bad)
		if !errors.Is(err, ErrConfig) {
			t.Errorf("%s: %v, want ErrConfig", name, err)
		}
		if err != nil && strings.Contains(err.Error(), "p4ssw0rd") {
			t.Errorf("%s: the error prints the password: %v", name, err)
		}
	}
}

// FromEnv reads .env from the working directory; variables already set win.
func TestFromEnv(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(
		"AUTH0_DOMAIN=file.auth0.com\nAUTH0_M2M_CLIENT_ID=file-id\nAUTH0_M2M_CLIENT_SECRET=file-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, k := range []string{EnvDomain, EnvClientID, EnvClientSecret, EnvAudience} {
		t.Setenv(k, "") // restored after the test, whatever .env sets
		os.Unsetenv(k)
	}
	t.Setenv(EnvDomain, "env.auth0.com")
	c := FromEnv()
	if c.Domain != "env.auth0.com" || c.ClientID != "file-id" || c.ClientSecret != "file-secret" || c.Audience != "" {
		t.Errorf("FromEnv = %+v", c)
	}
	if _, err := New(c); err != nil {
		t.Error(err)
	}

	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("AUTH0_DOMAIN='unterminated\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(FromEnv()); !errors.Is(err, ErrConfig) {
		t.Errorf("a bad .env: %v, want ErrConfig", err)
	}
}
