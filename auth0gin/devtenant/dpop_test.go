package devtenant_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/dpop"
)

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func thumbprint(t *testing.T, key crypto.Signer) string {
	t.Helper()
	jkt, err := dpop.Thumbprint(key)
	if err != nil {
		t.Fatal(err)
	}
	return jkt
}

// tokenProof is a fresh proof of key for the tenant's token endpoint, made
// at the tenant's time.
func (e *env) tokenProof(t *testing.T, key crypto.Signer, nonce string) string {
	t.Helper()
	jti, err := dpop.NewJTI()
	if err != nil {
		t.Fatal(err)
	}
	p, err := dpop.Sign(key, dpop.Claims{JTI: jti, HTM: "POST", HTU: e.url + "oauth/token", IAT: e.clock.Now().Unix(), Nonce: nonce})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// postDPoP posts form to /oauth/token with these DPoP headers.
func (e *env) postDPoP(t *testing.T, form url.Values, proofs ...string) response {
	t.Helper()
	req, _ := http.NewRequest("POST", e.url+"oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, p := range proofs {
		req.Header.Add("DPoP", p)
	}
	return do(t, nil, req)
}

// wantBound checks a token answer bound to key: token_type DPoP and the
// access token's cnf.jkt.
func wantBound(t *testing.T, r response, key crypto.Signer) {
	t.Helper()
	wantStatus(t, r, 200)
	if r.str("token_type") != "DPoP" {
		t.Errorf("token_type %q, want DPoP", r.str("token_type"))
	}
	_, c := claims(t, r.str("access_token"))
	cnf, _ := c["cnf"].(map[string]any)
	if cnf["jkt"] != thumbprint(t, key) {
		t.Errorf("cnf %v, want jkt %s", c["cnf"], thumbprint(t, key))
	}
}

func wantBearer(t *testing.T, r response) {
	t.Helper()
	wantStatus(t, r, 200)
	if r.str("token_type") != "Bearer" {
		t.Errorf("token_type %q, want Bearer", r.str("token_type"))
	}
	if _, c := claims(t, r.str("access_token")); c["cnf"] != nil {
		t.Errorf("unbound token has cnf %v", c["cnf"])
	}
}

var m2mForm = url.Values{
	"grant_type": {"client_credentials"}, "client_id": {devtenant.M2MClient.ID},
	"client_secret": {devtenant.M2MClient.Secret}, "audience": {devtenant.Audience},
}

// Client credentials with a proof: a token bound to the proof's key; the
// same request without one: a Bearer token, as before.
func TestDPoPClientCredentials(t *testing.T) {
	e := newEnv(t)
	key := newKey(t)
	r := e.postDPoP(t, m2mForm, e.tokenProof(t, key, ""))
	wantBound(t, r, key)
	if err := e.verify(r.str("access_token")); err != nil {
		t.Fatal(err)
	}
	wantBearer(t, e.postDPoP(t, m2mForm))
}

func passwordForm(client devtenant.Client) url.Values {
	f := url.Values{
		"grant_type": {"password"}, "client_id": {client.ID}, "username": {devtenant.Alice.Email},
		"password": {devtenant.Alice.Password}, "audience": {devtenant.Audience}, "scope": {"openid offline_access read:messages"},
	}
	if client.Secret != "" {
		f.Set("client_secret", client.Secret)
	}
	return f
}

func refreshForm(client devtenant.Client, rt string) url.Values {
	f := url.Values{"grant_type": {"refresh_token"}, "client_id": {client.ID}, "refresh_token": {rt}}
	if client.Secret != "" {
		f.Set("client_secret", client.Secret)
	}
	return f
}

// A public client's refresh token is bound to the key of the login's proof
// (RFC 9449 §5): a refresh without a proof, or with another key, is refused
// and leaves the token usable; one with the key gets bound tokens again.
func TestDPoPPublicClientRefreshIsBound(t *testing.T) {
	e := newEnv(t)
	key := newKey(t)
	login := e.postDPoP(t, passwordForm(devtenant.SPAClient), e.tokenProof(t, key, ""))
	wantBound(t, login, key)
	rt := login.str("refresh_token")
	if rt == "" {
		t.Fatal("no refresh token")
	}
	wantOAuthError(t, e.postDPoP(t, refreshForm(devtenant.SPAClient, rt)), 400, "invalid_dpop_proof", "")
	wantOAuthError(t, e.postDPoP(t, refreshForm(devtenant.SPAClient, rt), e.tokenProof(t, newKey(t), "")), 403, "invalid_grant", "")

	r := e.postDPoP(t, refreshForm(devtenant.SPAClient, rt), e.tokenProof(t, key, ""))
	wantBound(t, r, key)
	r = e.postDPoP(t, refreshForm(devtenant.SPAClient, r.str("refresh_token")), e.tokenProof(t, key, ""))
	wantBound(t, r, key)
}

// A confidential client's refresh token is not bound (its secret binds it):
// each refresh's access token follows that request's proof, if any.
func TestDPoPConfidentialClientRefreshFollowsTheRequest(t *testing.T) {
	e := newEnv(t)
	key := newKey(t)
	login := e.postDPoP(t, passwordForm(devtenant.RegularClient), e.tokenProof(t, key, ""))
	wantBound(t, login, key)
	r := e.postDPoP(t, refreshForm(devtenant.RegularClient, login.str("refresh_token")))
	wantBearer(t, r)
	other := newKey(t)
	wantBound(t, e.postDPoP(t, refreshForm(devtenant.RegularClient, r.str("refresh_token")), e.tokenProof(t, other, "")), other)
}

// A refresh token issued without DPoP stays a bearer refresh token.
func TestDPoPUnboundRefreshToken(t *testing.T) {
	e := newEnv(t)
	login := e.postDPoP(t, passwordForm(devtenant.SPAClient))
	wantBearer(t, login)
	wantBearer(t, e.postDPoP(t, refreshForm(devtenant.SPAClient, login.str("refresh_token"))))
}

// The code exchange binds the tokens to the proof sent with it.
func TestDPoPAuthorizationCode(t *testing.T) {
	e := newEnv(t)
	key := newKey(t)
	verifier := strings.Repeat("v", 50)
	_, code := e.codeFlow(t, "response_type", "code", "code_challenge", pkce(verifier), "code_challenge_method", "S256",
		"scope", "openid offline_access read:messages")
	r := e.postDPoP(t, url.Values{"grant_type": {"authorization_code"}, "client_id": {devtenant.SPAClient.ID},
		"code": {code}, "code_verifier": {verifier}, "redirect_uri": {callback}}, e.tokenProof(t, key, ""))
	wantBound(t, r, key)
	wantBound(t, e.postDPoP(t, refreshForm(devtenant.SPAClient, r.str("refresh_token")), e.tokenProof(t, key, "")), key)
}

// Each refusal of a proof at /oauth/token is 400 invalid_dpop_proof, and
// each has a twin that differs in the checked field and passes.
func TestDPoPInvalidProofs(t *testing.T) {
	e := newEnv(t)
	key := newKey(t)
	sign := func(mutate func(*dpop.Claims)) string {
		jti, _ := dpop.NewJTI()
		c := dpop.Claims{JTI: jti, HTM: "POST", HTU: e.url + "oauth/token", IAT: e.clock.Now().Unix()}
		mutate(&c)
		p, err := dpop.Sign(key, c)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	u, _ := url.Parse(e.url)
	for _, tc := range []struct {
		name          string
		proof, passes func() []string
	}{
		{"htm", func() []string { return []string{sign(func(c *dpop.Claims) { c.HTM = "GET" })} }, nil},
		{"htu path", func() []string { return []string{sign(func(c *dpop.Claims) { c.HTU = e.url + "oauth/token/" })} },
			func() []string {
				return []string{sign(func(c *dpop.Claims) { c.HTU = e.url + "oauth/token?x=1" })}
			}},
		{"htu port", func() []string {
			return []string{sign(func(c *dpop.Claims) { c.HTU = "http://" + u.Hostname() + ":1/oauth/token" })}
		}, func() []string {
			return []string{sign(func(c *dpop.Claims) {
				c.HTU = "HTTP://" + strings.ToUpper(u.Hostname()) + ":" + u.Port() + "/oauth/token"
			})}
		}},
		{"old iat", func() []string {
			return []string{sign(func(c *dpop.Claims) { c.IAT = e.clock.Now().Add(-6 * time.Minute).Unix() })}
		}, func() []string {
			return []string{sign(func(c *dpop.Claims) { c.IAT = e.clock.Now().Add(-4 * time.Minute).Unix() })}
		}},
		{"future iat", func() []string {
			return []string{sign(func(c *dpop.Claims) { c.IAT = e.clock.Now().Add(6 * time.Minute).Unix() })}
		}, func() []string {
			return []string{sign(func(c *dpop.Claims) { c.IAT = e.clock.Now().Add(4 * time.Minute).Unix() })}
		}},
		{"two proofs", func() []string { return []string{sign(func(*dpop.Claims) {}), sign(func(*dpop.Claims) {})} }, nil},
		{"not a JWT", func() []string { return []string{"eyJhbGciOiJub25lIn0.e30."} }, nil},
		{"oversized", func() []string {
			return []string{sign(func(c *dpop.Claims) { c.JTI = strings.Repeat("j", dpop.MaxSize) })}
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.postDPoP(t, m2mForm, tc.proof()...)
			wantOAuthError(t, r, 400, "invalid_dpop_proof", "")
			if !strings.HasPrefix(r.str("error_description"), "Only one") && !strings.HasPrefix(r.str("error_description"), "Invalid DPoP proof: ") {
				t.Errorf("error_description %q does not say why", r.str("error_description"))
			}
			if tc.passes != nil {
				wantBound(t, e.postDPoP(t, m2mForm, tc.passes()...), key)
			}
		})
	}
	t.Run("replayed jti", func(t *testing.T) {
		p := sign(func(*dpop.Claims) {})
		wantBound(t, e.postDPoP(t, m2mForm, p), key)
		wantOAuthError(t, e.postDPoP(t, m2mForm, p), 400, "invalid_dpop_proof", "DPoP proof jti was already used.")
	})
}

// With Config.DPoPNonce the tenant wants its nonce in proofs (RFC 9449 §8):
// without it, 400 use_dpop_nonce and the nonce in DPoP-Nonce; with it, the
// tokens; a nonce two slots old is stale again.
func TestDPoPNonce(t *testing.T) {
	e := newEnv(t, func(c *devtenant.Config) { c.DPoPNonce = true })
	key := newKey(t)
	r := e.postDPoP(t, m2mForm, e.tokenProof(t, key, ""))
	wantOAuthError(t, r, 400, "use_dpop_nonce", "")
	nonce := r.header.Get("DPoP-Nonce")
	if nonce == "" {
		t.Fatal("no DPoP-Nonce with use_dpop_nonce")
	}
	wantOAuthError(t, e.postDPoP(t, m2mForm, e.tokenProof(t, key, "not-"+nonce)), 400, "use_dpop_nonce", "")
	ok := e.postDPoP(t, m2mForm, e.tokenProof(t, key, nonce))
	wantBound(t, ok, key)
	if ok.header.Get("DPoP-Nonce") == "" {
		t.Error("no DPoP-Nonce on success")
	}
	e.clock.Advance(20 * time.Minute)
	r = e.postDPoP(t, m2mForm, e.tokenProof(t, key, nonce))
	wantOAuthError(t, r, 400, "use_dpop_nonce", "")
	if r.header.Get("DPoP-Nonce") == nonce {
		t.Error("the stale nonce was handed out again")
	}
	// Without a proof, no nonce is asked for: a Bearer token.
	wantBearer(t, e.postDPoP(t, m2mForm))
}

// /userinfo takes a bound token only with the DPoP scheme and a proof of
// its key for the request.
func TestDPoPUserinfo(t *testing.T) {
	e := newEnv(t)
	key := newKey(t)
	form := passwordForm(devtenant.SPAClient)
	form.Del("audience") // an opaque token, for /userinfo only
	form.Set("scope", "openid email")
	tok := e.postDPoP(t, form, e.tokenProof(t, key, ""))
	wantStatus(t, tok, 200)
	at := tok.str("access_token")
	get := func(scheme string, proofKey crypto.Signer, method string) int {
		req, _ := http.NewRequest("GET", e.url+"userinfo", nil)
		req.Header.Set("Authorization", scheme+" "+at)
		if proofKey != nil {
			p, err := dpop.NewProof(proofKey, method, e.url+"userinfo", at, "")
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("DPoP", p)
		}
		return do(t, nil, req).status
	}
	if got := get("Bearer", nil, ""); got != 401 {
		t.Errorf("bound token as Bearer: %d", got)
	}
	if got := get("DPoP", nil, ""); got != 401 {
		t.Errorf("no proof: %d", got)
	}
	if got := get("DPoP", newKey(t), "GET"); got != 401 {
		t.Errorf("another key: %d", got)
	}
	if got := get("DPoP", key, "POST"); got != 401 {
		t.Errorf("wrong htm: %d", got)
	}
	if got := get("DPoP", key, "GET"); got != 200 {
		t.Errorf("with a proof: %d", got)
	}
}

// A browser app on another origin may send DPoP and read DPoP-Nonce; the
// discovery document lists the proof algorithms.
func TestDPoPCORSAndDiscovery(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest("OPTIONS", e.url+"oauth/token", nil)
	req.Header.Set("Origin", "http://127.0.0.1:6060")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "dpop, content-type")
	r := do(t, nil, req)
	if !strings.Contains(strings.ToLower(r.header.Get("Access-Control-Allow-Headers")), "dpop") {
		t.Errorf("Allow-Headers %q", r.header.Get("Access-Control-Allow-Headers"))
	}
	if !strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "DPoP-Nonce") {
		t.Errorf("Expose-Headers %q", r.header.Get("Access-Control-Expose-Headers"))
	}
	d := e.get(t, ".well-known/openid-configuration", "")
	algs, _ := d.json["dpop_signing_alg_values_supported"].([]any)
	if len(algs) == 0 || algs[0] != "ES256" {
		t.Errorf("dpop_signing_alg_values_supported %v", d.json["dpop_signing_alg_values_supported"])
	}
}

// The device code grant binds the tokens to the proof of the poll that
// gets them, and the public client's refresh token with them.
func TestDPoPDeviceCode(t *testing.T) {
	e := newEnv(t)
	key := newKey(t)
	d := e.deviceCode(t)
	if ok := e.activate(t, d.str("verification_uri_complete"), "confirm"); ok.status != 200 {
		t.Fatalf("activation: %d %s", ok.status, ok.body)
	}
	e.clock.Advance(5 * time.Second)
	r := e.postDPoP(t, url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "client_id": {devtenant.SPAClient.ID},
		"device_code": {d.str("device_code")}}, e.tokenProof(t, key, ""))
	wantBound(t, r, key)
	wantOAuthError(t, e.postDPoP(t, refreshForm(devtenant.SPAClient, r.str("refresh_token"))), 400, "invalid_dpop_proof", "")
	wantBound(t, e.postDPoP(t, refreshForm(devtenant.SPAClient, r.str("refresh_token")), e.tokenProof(t, key, "")), key)
}
