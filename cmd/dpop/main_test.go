package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/dpop"
)

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(t.Context(), args, &out, &errOut); err != nil {
		t.Fatalf("dpop %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return strings.TrimSpace(out.String())
}

// The curl recipe of the package comment, step by step: a key, a token
// bound to it from the dev tenant (client credentials, then the password
// grant, with the tenant asking for its nonce), and a proof for a request
// with that token, which the proof check accepts.
func TestKeyTokenProof(t *testing.T) {
	tenant := auth0test.NewTenant(t, func(c *devtenant.Config) { c.DPoPNonce = true })
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	runOK(t, "key", "-out", keyFile)
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	key, err := loadKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	jkt, _ := dpop.Thumbprint(key)
	for _, login := range [][]string{
		{"-tenant", tenant.URL},
		{"-tenant", tenant.URL, "-username", devtenant.Alice.Email, "-password", devtenant.Alice.Password, "-scope", "read:messages"},
	} {
		tok := runOK(t, append([]string{"token", "-key", keyFile}, login...)...)
		var c struct {
			Cnf struct{ JKT string }
		}
		parts := strings.Split(tok, ".")
		if len(parts) != 3 {
			t.Fatalf("token %q", tok)
		}
		b, _ := base64.RawURLEncoding.DecodeString(parts[1])
		if err := json.Unmarshal(b, &c); err != nil || c.Cnf.JKT != jkt {
			t.Errorf("%v: claims %s, want cnf.jkt %s (%v)", login, b, jkt, err)
		}
		url := "http://127.0.0.1:6060/api/private-bound"
		proof := runOK(t, "proof", "-key", keyFile, "get", url, tok)
		p, err := dpop.Check(proof, dpop.Params{Method: "GET", URL: url, AccessToken: tok, Now: time.Now(), Window: time.Minute})
		if err != nil || p.Thumbprint != jkt {
			t.Errorf("proof %+v: %v", p, err)
		}
	}
}

// Refusals are errors, not output: no key, a wrong password, a tenant that
// issues Bearer tokens only.
func TestErrors(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	runOK(t, "key", "-out", keyFile)
	for _, args := range [][]string{
		{},
		{"nope"},
		{"token", "-tenant", tenant.URL},
		{"proof", "-key", keyFile, "GET"},
		{"token", "-key", keyFile, "-tenant", tenant.URL, "-username", devtenant.Alice.Email, "-password", "wrong"},
		{"call", "-token", "x", "http://127.0.0.1:1/"},
	} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, &out, &errOut); err == nil {
			t.Errorf("dpop %v: no error; %s", args, out.String())
		}
	}
}

// call end to end: a throwaway key, a login to the dev tenant, and a call
// to a route that requires DPoP, where both the tenant and the API want
// their nonces, which the client picks up from DPoP-Nonce. A route refusing
// the call (a Bearer-only route) is an error with the challenge printed.
func TestCall(t *testing.T) {
	gin.SetMode(gin.TestMode)
	tenant := auth0test.NewTenant(t, func(c *devtenant.Config) { c.DPoPNonce = true })
	cfg := tenant.Config()
	cfg.DPoPNonceSecret = strings.Repeat("n", 32)
	auth := auth0gin.MustNew(cfg)
	r := gin.New()
	r.GET("/api/private-bound", auth.Require(auth0gin.DPoP("required")), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": auth0gin.MustUser(c).ID})
	})
	r.GET("/api/bearer-only", auth.Require(auth0gin.DPoP("off")), func(c *gin.Context) { c.Status(http.StatusOK) })
	api := httptest.NewServer(r)
	defer api.Close()

	out := runOK(t, "call", "-tenant", tenant.URL, api.URL+"/api/private-bound")
	if !strings.Contains(out, "200 OK") || !strings.Contains(out, devtenant.M2MClient.ID+"@clients") {
		t.Errorf("client credentials: %s", out)
	}
	out = runOK(t, "call", "-tenant", tenant.URL, "-username", devtenant.Alice.Email, "-password", devtenant.Alice.Password,
		api.URL+"/api/private-bound")
	if !strings.Contains(out, "200 OK") || !strings.Contains(out, devtenant.Alice.ID) {
		t.Errorf("password: %s", out)
	}
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), []string{"call", "-tenant", tenant.URL, api.URL + "/api/bearer-only"}, &stdout, &stderr)
	if err == nil || !strings.Contains(stdout.String(), "401") || !strings.Contains(stdout.String(), "WWW-Authenticate: Bearer") {
		t.Errorf("a Bearer-only route: %v\n%s", err, stdout.String())
	}
}

// On a route that accepts Bearer tokens too (DPoP "allowed", the default),
// the API's use_dpop_nonce error is on its second WWW-Authenticate header
// (the DPoP challenge, after the Bearer one): call still retries with the
// nonce. And a refusal prints every challenge, not only the first.
func TestCallReadsEveryChallenge(t *testing.T) {
	gin.SetMode(gin.TestMode)
	tenant := auth0test.NewTenant(t)
	cfg := tenant.Config()
	cfg.DPoPNonceSecret = strings.Repeat("n", 32)
	auth := auth0gin.MustNew(cfg)
	r := gin.New()
	r.GET("/api/private", auth.Require(), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": auth0gin.MustUser(c).ID})
	})
	api := httptest.NewServer(r)
	defer api.Close()

	var stdout, stderr bytes.Buffer
	err := run(t.Context(), []string{"call", "-tenant", tenant.URL, api.URL + "/api/private"}, &stdout, &stderr)
	if err != nil || !strings.Contains(stdout.String(), "200 OK") {
		t.Errorf("an allowed route asking for its nonce: %v\n%s", err, stdout.String())
	}
	stdout.Reset()
	err = run(t.Context(), []string{"call", "-tenant", tenant.URL, "-token", "not-a-token", "-key", writeKey(t), api.URL + "/api/private"}, &stdout, &stderr)
	if err == nil || !strings.Contains(stdout.String(), "WWW-Authenticate: Bearer") || !strings.Contains(stdout.String(), "WWW-Authenticate: DPoP") {
		t.Errorf("a refusal on an allowed route prints both challenges: %v\n%s", err, stdout.String())
	}
}

func writeKey(t *testing.T) string {
	t.Helper()
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	runOK(t, "key", "-out", keyFile)
	return keyFile
}
