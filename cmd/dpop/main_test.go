package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
