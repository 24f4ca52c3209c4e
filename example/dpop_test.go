package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/dpop"
)

// GET /api/private-bound end to end: alice logs in to the dev tenant with
// the password grant and a DPoP proof, gets a token bound to her key, and
// calls the route with it and a fresh proof (200); the same request again
// (a replayed proof), the token as Bearer, and an unbound token are answered
// 401 with a DPoP challenge.
func TestPrivateBound(t *testing.T) {
	tenant, h := appWith(t, nil)
	app := httptest.NewServer(h)
	defer app.Close()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	proof := func(method, u, token string) string {
		p, err := dpop.NewProof(key, method, u, token, "")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	form := url.Values{"grant_type": {"password"}, "client_id": {devtenant.SPAClient.ID}, "audience": {devtenant.Audience},
		"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}, "scope": {"read:messages"}}
	req, _ := http.NewRequest("POST", tenant.URL+"oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("DPoP", proof("POST", tenant.URL+"oauth/token", ""))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	err = json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 || tok.TokenType != "DPoP" {
		t.Fatalf("token: %d %q %v", res.StatusCode, tok.TokenType, err)
	}

	route := app.URL + "/api/private-bound"
	get := func(authz, proof string) (int, string) {
		req, _ := http.NewRequest("GET", route, nil)
		req.Header.Set("Authorization", authz)
		if proof != "" {
			req.Header.Set("DPoP", proof)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode, strings.Join(res.Header.Values("WWW-Authenticate"), " | ")
	}
	p := proof("GET", route, tok.AccessToken)
	if code, ch := get("DPoP "+tok.AccessToken, p); code != 200 {
		t.Fatalf("bound token and proof: %d %s", code, ch)
	}
	for _, c := range []struct{ what, authz, proof string }{
		{"the same proof again", "DPoP " + tok.AccessToken, p},
		{"the bound token as Bearer", "Bearer " + tok.AccessToken, ""},
		{"an unbound token", "Bearer " + tenant.Token(t), ""},
	} {
		if code, ch := get(c.authz, c.proof); code != 401 || !strings.Contains(ch, "DPoP ") {
			t.Errorf("%s: %d %q, want 401 with a DPoP challenge", c.what, code, ch)
		}
	}
}
