package auth0gin_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "gopkg.in/go-jose/go-jose.v2"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// testIssuer is a minimal OIDC issuer under the test's control: discovery and
// a JWKS it can rotate, slow down or break. The dev tenant (auth0test) is the
// faithful one; this one exists to misbehave on purpose and to sign tokens no
// real tenant would (alg none, HS256, missing exp, ...).
type testIssuer struct {
	srv *httptest.Server

	mu      sync.Mutex
	keys    []*jose.JSONWebKey // private keys; the JWKS publishes their public halves
	mode    string             // "", "slow", "5xx", "5xxjson", "garbage", "empty"
	delay   time.Duration
	release chan struct{} // when set, JWKS answers wait for it to close

	jwksHits    atomic.Int64
	noDiscovery atomic.Bool
	jwksURI     atomic.Pointer[string] // when set, discovery advertises it
	rawJWKS     atomic.Pointer[string] // when set, the JWKS body served as it is
}

const (
	testAudience   = "https://api.test"
	testEmailClaim = "https://example.com/email"
	testRolesClaim = "https://example.com/roles"
)

var keyPool = struct {
	sync.Mutex
	keys []*rsa.PrivateKey
}{}

// rsaKey hands out RSA keys, reusing them across tests: generation is slow and
// what we test is selection by kid, not the key material.
func rsaKey(t testing.TB, i int) *rsa.PrivateKey {
	keyPool.Lock()
	defer keyPool.Unlock()
	for len(keyPool.keys) <= i {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		keyPool.keys = append(keyPool.keys, k)
	}
	return keyPool.keys[i]
}

func newTestIssuer(t testing.TB) *testIssuer {
	t.Helper()
	ti := &testIssuer{}
	ti.keys = []*jose.JSONWebKey{{Key: rsaKey(t, 0), KeyID: "k0", Algorithm: "RS256", Use: "sig"}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		if ti.noDiscovery.Load() {
			http.NotFound(w, r)
			return
		}
		uri := ti.srv.URL + "/.well-known/jwks.json"
		if p := ti.jwksURI.Load(); p != nil {
			uri = *p
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": ti.srv.URL + "/", "jwks_uri": uri})
	})
	mux.HandleFunc("GET /.well-known/jwks.json", ti.serveJWKS)
	ti.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		ti.mu.Lock()
		if ti.release != nil {
			select {
			case <-ti.release:
			default:
				close(ti.release)
			}
		}
		ti.mu.Unlock()
		ti.srv.Close()
	})
	return ti
}

func (ti *testIssuer) serveJWKS(w http.ResponseWriter, r *http.Request) {
	ti.jwksHits.Add(1)
	ti.mu.Lock()
	mode, delay, release := ti.mode, ti.delay, ti.release
	set := jose.JSONWebKeySet{}
	for _, k := range ti.keys {
		set.Keys = append(set.Keys, k.Public())
	}
	ti.mu.Unlock()
	if release != nil {
		<-release
	}
	if delay > 0 {
		time.Sleep(delay)
	}
	switch mode {
	case "drop": // the connection dies without an answer
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				_ = c.Close()
			}
		}
		return
	case "5xx":
		http.Error(w, "<html>Bad gateway</html>", http.StatusBadGateway)
		return
	case "5xxjson": // a JSON body on an error status must not pass for a key set
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"keys":[]}`))
		return
	case "garbage":
		_, _ = w.Write([]byte(`{"keys": [ this is not json`))
		return
	case "empty":
		_, _ = w.Write([]byte(`{"keys":[]}`))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if raw := ti.rawJWKS.Load(); raw != nil {
		_, _ = w.Write([]byte(*raw))
		return
	}
	_ = json.NewEncoder(w).Encode(set)
}

func (ti *testIssuer) setMode(mode string, delay time.Duration) {
	ti.mu.Lock()
	ti.mode, ti.delay = mode, delay
	ti.mu.Unlock()
}

// hold makes JWKS answers wait until the returned function is called.
func (ti *testIssuer) hold() (release func()) {
	ch := make(chan struct{})
	ti.mu.Lock()
	ti.release = ch
	ti.mu.Unlock()
	return func() {
		ti.mu.Lock()
		ti.release = nil
		ti.mu.Unlock()
		close(ch)
	}
}

// addKey publishes a new key and returns its kid.
func (ti *testIssuer) addKey(t testing.TB) string {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	kid := fmt.Sprintf("k%d", len(ti.keys))
	ti.keys = append(ti.keys, &jose.JSONWebKey{Key: rsaKey(t, len(ti.keys)), KeyID: kid, Algorithm: "RS256", Use: "sig"})
	return kid
}

// removeKey stops publishing kid.
func (ti *testIssuer) removeKey(kid string) {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	for i, k := range ti.keys {
		if k.KeyID == kid {
			ti.keys = append(ti.keys[:i:i], ti.keys[i+1:]...)
			return
		}
	}
}

func (ti *testIssuer) key(kid string) *jose.JSONWebKey {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	for _, k := range ti.keys {
		if k.KeyID == kid {
			return k
		}
	}
	return nil
}

func (ti *testIssuer) iss() string { return ti.srv.URL + "/" }

// config is a core Config trusting this issuer.
func (ti *testIssuer) config() auth0gin.Config {
	return auth0gin.Config{
		Domain:        ti.srv.URL,
		Audience:      []string{testAudience},
		EmailClaim:    testEmailClaim,
		RolesClaim:    testRolesClaim,
		KeyMinRefetch: time.Millisecond,
		Logger:        slog.New(slog.DiscardHandler),
	}
}

// claims returns Auth0-shaped claims for a password-grant user token.
func (ti *testIssuer) claims() map[string]any {
	now := time.Now()
	return map[string]any{
		"iss":          ti.iss(),
		"sub":          "auth0|alice",
		"aud":          []string{testAudience, ti.iss() + "userinfo"},
		"azp":          "spa-client",
		"iat":          now.Unix(),
		"exp":          now.Add(time.Hour).Unix(),
		"scope":        "openid profile read:messages",
		"permissions":  []string{"read:messages", "write:messages"},
		"gty":          "password",
		testEmailClaim: "alice@example.com",
		testRolesClaim: []string{"admin"},
	}
}

// sign signs claims (merged over the defaults; a nil value deletes a claim)
// with key kid, as a real tenant would.
func (ti *testIssuer) sign(t testing.TB, kid string, over map[string]any) string {
	t.Helper()
	c := ti.claims()
	for k, v := range over {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	payload, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return ti.signRaw(t, kid, payload)
}

// signRaw signs payload bytes as they are, for payloads json.Marshal cannot
// produce (a name twice, invalid UTF-8).
func (ti *testIssuer) signRaw(t testing.TB, kid string, payload []byte) string {
	t.Helper()
	var key any = rsaKey(t, 7) // an unpublished key
	if k := ti.key(kid); k != nil {
		key = k.Key
	}
	return signPayload(t, key, kid, jose.RS256, payload)
}

// signPayload signs payload bytes with any private key, as a compact JWS
// with typ JWT and this kid.
func signPayload(t testing.TB, key any, kid string, alg jose.SignatureAlgorithm, payload []byte) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// token signs default claims with the first key.
func (ti *testIssuer) token(t testing.TB, over map[string]any) string { return ti.sign(t, "k0", over) }

func b64(v any) string {
	var b []byte
	switch v := v.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		b, _ = json.Marshal(v)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func mergeClaims(a, b map[string]any) map[string]any {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}
