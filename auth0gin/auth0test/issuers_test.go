package auth0test_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/internal/tenantprobe"

	"github.com/auth0gin/auth0gin/auth0gin/internal/tenanturl"
)

// hostCounter counts outbound requests per host, so a test can tell which
// tenant was contacted.
type hostCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (h *hostCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.n[r.URL.Host]++
	h.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (h *hostCounter) count(tenant *auth0test.Tenant) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n[strings.TrimSuffix(strings.TrimPrefix(tenant.URL, "http://"), "/")]
}

// trustBoth is a core trusting tenants a and b, counting its fetches.
func trustBoth(t *testing.T, a, b *auth0test.Tenant) (*auth0gin.Auth0, *hostCounter) {
	t.Helper()
	hc := &hostCounter{n: map[string]int{}}
	cfg := a.Config(b)
	cfg.HTTPClient = &http.Client{Transport: hc}
	cfg.DisableCache = true // every check reaches the key sets
	cfg.KeyMinRefetch = time.Millisecond
	auth, err := auth0gin.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return auth, hc
}

// resign signs token's payload again with signer's current private key under
// the header kid, leaving its claims (and so its iss) untouched.
func resign(t *testing.T, signer *auth0test.Tenant, token, kid string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := tenantprobe.SaveKeys(signer, path); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Current struct {
			Key string `json:"key"`
		} `json:"current"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(file.Current.Key))
	if block == nil {
		t.Fatal("no PEM in the key file")
	}
	priv, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": kid})
	signing := base64.RawURLEncoding.EncodeToString(header) + "." + strings.Split(token, ".")[1]
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, priv.(*rsa.PrivateKey), crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestTwoTenantsTokensOfBoth(t *testing.T) {
	a, b := auth0test.NewTenant(t), auth0test.NewTenant(t)
	auth, _ := trustBoth(t, a, b)
	for name, tok := range map[string]string{
		"a": a.Token(t), "b": b.Token(t), "a m2m": a.M2MToken(t), "b m2m": b.M2MToken(t),
	} {
		u, err := auth.Verify(t.Context(), tok)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if want := map[byte]string{'a': a.URL, 'b': b.URL}[name[0]]; u.Issuer != want {
			t.Errorf("%s: issuer %q, want %q", name, u.Issuer, want)
		}
	}
	if got := tenanturl.Endpoint(auth.Config().Issuers, "authorize"); got != a.URL+"authorize" {
		t.Errorf("the Swagger login goes to %q, want the first issuer's", got)
	}
}

// A token signed with tenant A's key but claiming B's iss is refused: B's
// key set is the only one consulted for it, whatever kid it names.
func TestTwoTenantsKeyOfOneNeverVerifiesTheOther(t *testing.T) {
	a, b := auth0test.NewTenant(t), auth0test.NewTenant(t)
	auth, _ := trustBoth(t, a, b)
	if _, err := auth.Verify(t.Context(), a.Token(t)); err != nil { // A's keys are held
		t.Fatal(err)
	}
	aCurrent, _, _ := a.Keys()
	bCurrent, _, _ := b.Keys()
	claimsB := b.Token(t)
	for kid, want := range map[string]string{
		aCurrent: "unknown signing key", // A's kid: B publishes no such key
		bCurrent: "invalid signature",   // B's kid: B's key does not verify A's signature
	} {
		forged := resign(t, a, claimsB, kid)
		if _, err := auth.Verify(t.Context(), forged); !refusedFor(err, want) {
			t.Errorf("A's key, B's iss, kid %s: got %v, want %v", kid, err, want)
		}
	}
	// The resigning is sound: the same payload under A's kid and A's iss passes.
	if _, err := auth.Verify(t.Context(), resign(t, a, a.Token(t, auth0test.Subject("auth0|x")), aCurrent)); err != nil {
		t.Errorf("control: %v", err)
	}
}

// An iss outside the list is refused before any key set is fetched.
func TestTwoTenantsForeignIssuerCostsNoFetch(t *testing.T) {
	a, b, c := auth0test.NewTenant(t), auth0test.NewTenant(t), auth0test.NewTenant(t)
	auth, hc := trustBoth(t, a, b)
	for range 10 {
		if _, err := auth.Verify(t.Context(), c.Token(t)); !refusedFor(err, "wrong issuer") {
			t.Fatalf("a third tenant's token: %v", err)
		}
	}
	if n := hc.count(a) + hc.count(b) + hc.count(c); n != 0 {
		t.Errorf("%d requests to the tenants for foreign tokens, want 0", n)
	}
}

// Rotating (and revoking) keys on one tenant does not disturb the other:
// its tokens keep verifying and its key set is not fetched again.
func TestTwoTenantsRotationOnOneLeavesTheOther(t *testing.T) {
	a, b := auth0test.NewTenant(t), auth0test.NewTenant(t)
	auth, hc := trustBoth(t, a, b)
	oldA, tokB := a.Token(t), b.Token(t)
	for _, tok := range []string{oldA, tokB} {
		if _, err := auth.Verify(t.Context(), tok); err != nil {
			t.Fatal(err)
		}
	}
	fetchesB := hc.count(b)
	a.RotateKeys()
	a.RotateKeys() // A now signs with a key generated after our last fetch
	_, _, prev := a.Keys()
	newA := a.Token(t)
	if _, err := auth.Verify(t.Context(), newA); err != nil {
		t.Fatalf("A's token after rotation: %v", err)
	}
	if err := a.RevokeKey(prev); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if _, err := auth.Verify(t.Context(), tokB); err != nil {
			t.Fatalf("B's token while A rotates: %v", err)
		}
		if _, err := auth.Verify(t.Context(), newA); err != nil {
			t.Fatalf("A's new token: %v", err)
		}
	}
	if got := hc.count(b); got != fetchesB {
		t.Errorf("B's key set fetched %d more times while A rotated", got-fetchesB)
	}
	if _, err := auth.Verify(t.Context(), oldA); !refusedFor(err, "unknown signing key") {
		t.Errorf("A's token of a key rotated out twice: %v", err)
	}
}

// refusedFor reports whether err is a 401 refusal for the given reason (the
// core's sentinels for these reasons are unexported; the message names them).
func refusedFor(err error, reason string) bool {
	var ae *auth0gin.AuthError
	return errors.As(err, &ae) && ae.Status == 401 && strings.Contains(err.Error(), "auth0gin: "+reason)
}
