package devtenant_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/dpop"
)

// A token request with a DPoP proof (RFC 9449) gets a token bound to the
// proof's key. With Config.DPoPNonce the tenant first answers
// use_dpop_nonce with the nonce to sign in, as an authorization server may.
// The proof here comes from the module's own proof code; any DPoP client
// library makes the same.
func ExampleConfig_dPoPNonce() {
	var tenant *devtenant.Tenant
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tenant.ServeHTTP(w, r) }))
	defer srv.Close()
	cfg := devtenant.Default()
	cfg.Issuer, cfg.Logger, cfg.DPoPNonce = srv.URL, quiet, true
	tenant, err := devtenant.New(cfg)
	if err != nil {
		panic(err)
	}

	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tokenURL := srv.URL + "/oauth/token"
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {devtenant.M2MClient.ID},
		"client_secret": {devtenant.M2MClient.Secret}, "audience": {devtenant.Audience}}
	post := func(nonce string) (*http.Response, map[string]any) {
		proof, err := dpop.NewProof(key, "POST", tokenURL, "", nonce)
		if err != nil {
			panic(err)
		}
		req, _ := http.NewRequest("POST", tokenURL, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("DPoP", proof)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer res.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(res.Body).Decode(&body)
		return res, body
	}

	res, body := post("")
	fmt.Println(res.StatusCode, body["error"], res.Header.Get("DPoP-Nonce") != "")
	res, body = post(res.Header.Get("DPoP-Nonce"))
	jkt, _ := dpop.Thumbprint(key)
	var claims struct {
		Cnf struct{ JKT string } `json:"cnf"`
	}
	payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(body["access_token"].(string), ".")[1])
	_ = json.Unmarshal(payload, &claims)
	fmt.Println(res.StatusCode, body["token_type"], claims.Cnf.JKT == jkt)
	// Output:
	// 400 use_dpop_nonce true
	// 200 DPoP true
}
