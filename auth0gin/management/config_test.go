package management

import (
	"errors"
	"github.com/auth0gin/auth0gin/auth0gin"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConfig(t *testing.T) {
	env := map[string]string{
		envDomain: " Tenant.EU.auth0.com ", envClientID: "cid", envClientSecret: "csecret",
	}
	cfg := configFromLookup(func(k string) string { return env[k] })
	c, base, err := cfg.resolve()
	if err != nil {
		t.Fatal(err)
	}
	if base != "https://tenant.eu.auth0.com/" || c.Audience != "https://tenant.eu.auth0.com/api/v2/" ||
		c.ClientID != "cid" || c.ClientSecret != "csecret" || c.Timeout != defaultTimeout ||
		c.HTTPClient.Timeout != defaultTimeout || c.MaxRetries != defaultMaxRetries || c.MaxWait != defaultMaxWait {
		t.Errorf("resolved %+v, base %q", c, base)
	}
	env[envAudience] = "https://tenant.eu.auth0.com/api/v2/"
	env[envDomain] = "login.example.com" // a custom domain
	if c, _, err := configFromLookup(func(k string) string { return env[k] }).resolve(); err != nil || c.Audience != env[envAudience] {
		t.Errorf("custom domain: %+v, %v", c, err)
	}

	hc := &http.Client{}
	if c, _, _ := (Config{Domain: "t.auth0.com", ClientID: "a", ClientSecret: "b", HTTPClient: hc, MaxRetries: -1}).resolve(); c.HTTPClient == hc || c.HTTPClient.Timeout != defaultTimeout || c.MaxRetries != 0 {
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
		if !errors.Is(err, auth0gin.ErrConfig) {
			t.Errorf("%s: %v, want auth0gin.ErrConfig", name, err)
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
	for _, k := range []string{envDomain, envClientID, envClientSecret, envAudience} {
		t.Setenv(k, "") // restored after the test, whatever .env sets
		os.Unsetenv(k)
	}
	t.Setenv(envDomain, "env.auth0.com")
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
	if _, err := New(FromEnv()); !errors.Is(err, auth0gin.ErrConfig) {
		t.Errorf("a bad .env: %v, want auth0gin.ErrConfig", err)
	}
}
