package auth0test_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/swaggo/swag"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/swagger"
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

const dpopSpec = `{"swagger": "2.0", "info": {"title": "t"}, "basePath": "/api", "paths": {
	"/bound": {"get": {"responses": {"200": {"description": "OK"}}}}
}}`

// CheckContract calls a route documented as requiring DPoP with bound tokens
// and proofs, and reports one that takes Bearer tokens all the same.
func TestContractDPoP(t *testing.T) {
	gin.SetMode(gin.TestMode)
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	r := gin.New()
	auth.Router(r.Group("/api")).GET("/bound", auth.Require(auth0gin.DPoP("required"), auth0gin.Scopes("read:messages")), ok)
	r.GET("/docs/*any", swagger.Handler(auth, &swag.Spec{InfoInstanceName: t.Name(), SwaggerTemplate: dpopSpec}))
	f := &failures{TB: t}
	auth0test.CheckContract(f, tenant, r, "/docs/doc.json")
	if len(f.msgs) > 0 {
		t.Errorf("the contract holds, but CheckContract reports:\n%s", strings.Join(f.msgs, "\n"))
	}

	// The docs come from another Auth0 whose route requires DPoP; this
	// one's allows Bearer tokens.
	docs := auth0gin.MustNew(tenant.Config())
	lax := gin.New()
	auth.Router(lax.Group("/api")).GET("/bound", auth.Require(auth0gin.Scopes("read:messages")), ok)
	docs.Router(gin.New().Group("/api")).GET("/bound", docs.Require(auth0gin.DPoP("required"), auth0gin.Scopes("read:messages")), ok)
	lax.GET("/docs/*any", swagger.Handler(docs, &swag.Spec{InfoInstanceName: t.Name() + "lax", SwaggerTemplate: dpopSpec}))
	f = &failures{TB: t}
	auth0test.CheckContract(f, tenant, lax, "/docs/doc.json")
	if !strings.Contains(strings.Join(f.msgs, "\n"), "the documented DPoP requirement is not enforced: a Bearer token is answered 200") {
		t.Errorf("an unenforced DPoP requirement: %q", f.msgs)
	}
}

// A route requiring DPoP, tested with Bound and Proof: the bound token with
// its proof passes; the same proof again, the token as Bearer, a proof of
// another key or for another URL, do not.
func TestBoundTokenOnAGuardedRoute(t *testing.T) {
	gin.SetMode(gin.TestMode)
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	r := gin.New()
	r.GET("/api/bound", auth.Require(auth0gin.DPoP("required")), ok)
	api := httptest.NewServer(r)
	defer api.Close()
	key := p256(t)
	tok := tenant.Token(t, auth0test.Bound(key))
	url := api.URL + "/api/bound"
	get := func(scheme, proof string) int {
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", scheme+" "+tok)
		if proof != "" {
			req.Header.Set("DPoP", proof)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	proof := auth0test.Proof(t, key, "GET", url, tok)
	for _, c := range []struct {
		what          string
		scheme, proof string
		want          int
	}{
		{"a proof", "DPoP", proof, 200},
		{"the same proof again", "DPoP", proof, 401},
		{"as Bearer", "Bearer", "", 401},
		{"another key's proof", "DPoP", auth0test.Proof(t, p256(t), "GET", url, tok), 401},
		{"a proof for another path", "DPoP", auth0test.Proof(t, key, "GET", url+"/", tok), 401},
		{"a fresh proof", "DPoP", auth0test.Proof(t, key, "GET", url, tok), 200},
	} {
		if got := get(c.scheme, c.proof); got != c.want {
			t.Errorf("%s: %d, want %d", c.what, got, c.want)
		}
	}
}
