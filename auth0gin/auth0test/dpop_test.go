package auth0test_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/internal/dpop"
)

func p256(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func payload(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Bound writes the key's thumbprint as cnf.jkt; without it a token has no
// cnf. Proof makes a proof of that key which the proof check accepts for
// the request and token it names, and for no other token.
func TestBoundAndProof(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	key := p256(t)
	tok := tenant.Token(t, auth0test.Bound(key), auth0test.Scopes("read:messages"))
	jkt, _ := dpop.Thumbprint(key)
	if cnf, _ := payload(t, tok)["cnf"].(map[string]any); cnf["jkt"] != jkt {
		t.Errorf("cnf %v, want jkt %s", payload(t, tok)["cnf"], jkt)
	}
	if cnf := payload(t, tenant.Token(t))["cnf"]; cnf != nil {
		t.Errorf("an unbound token has cnf %v", cnf)
	}

	url := "https://api.example.com/api/private"
	proof := auth0test.Proof(t, key, "GET", url+"?page=2", tok)
	p := dpop.Params{Method: "GET", URL: url, AccessToken: tok, Now: time.Now(), Window: time.Minute}
	got, err := dpop.Check(proof, p)
	if err != nil || got.Thumbprint != jkt || got.Nonce != "" {
		t.Fatalf("%+v %v", got, err)
	}
	p.AccessToken = tenant.Token(t)
	if _, err := dpop.Check(proof, p); err == nil {
		t.Error("a proof for one token passed for another")
	}
	p.AccessToken, p.Nonce = tok, func(n string) bool { return n == "n-1" }
	if got, err := dpop.Check(auth0test.Proof(t, key, "GET", url, tok, "n-1"), p); err != nil || got.Nonce != "n-1" {
		t.Errorf("with a nonce: %+v %v", got, err)
	}
}
