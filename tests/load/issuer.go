package main

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	jose "gopkg.in/go-jose/go-jose.v2"
)

// audience is the API identifier every token is minted for.
const audience = "https://api.load.test"

// scope is the scope the protected route requires.
const scope = "read:messages"

// fault is how the issuer's JWKS endpoint misbehaves.
type fault int

const (
	healthy   fault = iota
	slow            // every JWKS answer takes slowDelay
	status5xx       // 503 with an HTML body
	malformed       // 200 with a body that is not JSON
)

// slowDelay is how long a JWKS answer takes while the issuer is slow.
const slowDelay = 2 * time.Second

// signingKey is an RSA key the issuer may publish and sign with.
type signingKey struct {
	kid  string
	priv *rsa.PrivateKey
}

func newSigningKey(kid string) (*signingKey, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generating key %s: %w", kid, err)
	}
	return &signingKey{kid: kid, priv: k}, nil
}

// issuer is a loopback OIDC issuer under the harness's control: discovery and
// a JWKS it can rotate, slow down, break or stop listening on, counting every
// JWKS request it receives. It plays the tenant for every variant.
type issuer struct {
	addr string // 127.0.0.1:port, kept across refuse/restore

	mu        sync.Mutex
	srv       *http.Server // nil while refusing connections
	published []*signingKey
	mode      fault
	gate      chan struct{} // when set, JWKS answers wait for it to close

	jwksHits atomic.Int64
}

// newIssuer starts an issuer on 127.0.0.1 publishing keys.
func newIssuer(keys ...*signingKey) (*issuer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("issuer listen: %w", err)
	}
	is := &issuer{addr: l.Addr().String(), published: keys}
	is.serve(l)
	return is, nil
}

func (is *issuer) serve(l net.Listener) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"issuer":   is.url(),
			"jwks_uri": is.url() + ".well-known/jwks.json",
		})
	})
	mux.HandleFunc("GET /.well-known/jwks.json", is.serveJWKS)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	is.mu.Lock()
	is.srv = srv
	is.mu.Unlock()
	go func() { _ = srv.Serve(l) }()
}

// url is the issuer, with the trailing slash Auth0 puts in `iss`.
func (is *issuer) url() string { return "http://" + is.addr + "/" }

func (is *issuer) serveJWKS(w http.ResponseWriter, r *http.Request) {
	is.jwksHits.Add(1)
	is.mu.Lock()
	mode, gate := is.mode, is.gate
	set := jose.JSONWebKeySet{}
	for _, k := range is.published {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: &k.priv.PublicKey, KeyID: k.kid, Algorithm: "RS256", Use: "sig"})
	}
	is.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
	}
	switch mode {
	case slow:
		select {
		case <-time.After(slowDelay):
		case <-r.Context().Done():
			return
		}
	case status5xx:
		http.Error(w, "<html>503 Service Unavailable</html>", http.StatusServiceUnavailable)
		return
	case malformed:
		_, _ = w.Write([]byte(`{"keys": [ {"kty": "RSA", this is not json`))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(set)
}

// hits is the number of JWKS requests received so far.
func (is *issuer) hits() int64 { return is.jwksHits.Load() }

// setFault changes how the JWKS endpoint answers from now on.
func (is *issuer) setFault(f fault) {
	is.mu.Lock()
	is.mode = f
	is.mu.Unlock()
}

// hold makes JWKS answers wait until release is called.
func (is *issuer) hold() (release func()) {
	ch := make(chan struct{})
	is.mu.Lock()
	is.gate = ch
	is.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			is.mu.Lock()
			is.gate = nil
			is.mu.Unlock()
			close(ch)
		})
	}
}

// publish adds k to the JWKS.
func (is *issuer) publish(k *signingKey) {
	is.mu.Lock()
	is.published = append(is.published, k)
	is.mu.Unlock()
}

// unpublish removes the key kid from the JWKS.
func (is *issuer) unpublish(kid string) {
	is.mu.Lock()
	defer is.mu.Unlock()
	for i, k := range is.published {
		if k.kid == kid {
			is.published = append(is.published[:i:i], is.published[i+1:]...)
			return
		}
	}
}

// refuse closes the listener and every connection: from now on connections
// to the issuer are refused, as when the tenant is down.
func (is *issuer) refuse() error {
	is.mu.Lock()
	srv := is.srv
	is.srv = nil
	is.mu.Unlock()
	if srv == nil {
		return nil
	}
	if err := srv.Close(); err != nil {
		return fmt.Errorf("issuer close: %w", err)
	}
	return nil
}

// restore listens again on the same address after refuse.
func (is *issuer) restore() error {
	is.mu.Lock()
	up := is.srv != nil
	is.mu.Unlock()
	if up {
		return nil
	}
	var lastErr error
	for range 50 { // the port is ours; a rebind only races the old socket's close
		l, err := net.Listen("tcp", is.addr)
		if err == nil {
			is.serve(l)
			return nil
		}
		lastErr = err
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("issuer relisten on %s: %w", is.addr, lastErr)
}

// close stops the issuer, releasing any held answer.
func (is *issuer) close() {
	is.mu.Lock()
	srv, gate := is.srv, is.gate
	is.srv, is.gate = nil, nil
	is.mu.Unlock()
	if gate != nil {
		close(gate)
	}
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if srv.Shutdown(ctx) != nil {
			_ = srv.Close()
		}
	}
}

var b64 = base64.RawURLEncoding

// claims returns the payload of the i-th token: an Auth0-shaped access token
// for one of a hundred users, unique through its jti.
func (is *issuer) claims(i int) []byte { return claimsOf(is.url(), i) }

// claimsOf returns the payload of the i-th token of issuer iss.
func claimsOf(iss string, i int) []byte {
	now := time.Now()
	b, _ := json.Marshal(map[string]any{
		"iss":         iss,
		"sub":         fmt.Sprintf("auth0|user-%d", i%100),
		"aud":         []string{audience, iss + "userinfo"},
		"azp":         "load-client",
		"iat":         now.Unix(),
		"exp":         now.Add(time.Hour).Unix(),
		"jti":         fmt.Sprintf("t-%d", i),
		"scope":       "openid profile " + scope,
		"permissions": []string{scope},
		"gty":         "password",
	})
	return b
}

func header(kid string) string {
	b, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": kid})
	return b64.EncodeToString(b)
}

// sign mints the i-th token with k, as the tenant would (RS256, compact JWS).
func (is *issuer) sign(k *signingKey, i int) (string, error) {
	input := header(k.kid) + "." + b64.EncodeToString(is.claims(i))
	h := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, k.priv, crypto.SHA256, h[:])
	if err != nil {
		return "", fmt.Errorf("signing token %d: %w", i, err)
	}
	return input + "." + b64.EncodeToString(sig), nil
}

// signMany mints n tokens numbered from first, on workers goroutines: RSA
// signing costs about a millisecond, so big sets are signed before any load
// and in parallel.
func (is *issuer) signMany(ctx context.Context, k *signingKey, first, n, workers int) ([]string, error) {
	out := make([]string, n)
	var next atomic.Int64
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[w] = fmt.Errorf("signing: %w", err)
					return
				}
				t, err := is.sign(k, first+i)
				if err != nil {
					errs[w] = err
					return
				}
				out[i] = t
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// forge builds a token whose kid the tenant never published, with a random
// signature: what a flood of junk tokens looks like. The key lookup refuses it
// before any signature check, so no real signing is needed.
func (is *issuer) forge(kid string, i int) string { return forgeOf(is.url(), kid, i) }

// forgeOf is forge for any issuer iss, one the harness may not run.
func forgeOf(iss, kid string, i int) string {
	sig := make([]byte, 256)
	_, _ = rand.Read(sig)
	return header(kid) + "." + b64.EncodeToString(claimsOf(iss, i)) + "." + b64.EncodeToString(sig)
}
