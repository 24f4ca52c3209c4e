package auth0gin_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	jose "gopkg.in/go-jose/go-jose.v2"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/internal/dpop"
	"github.com/auth0gin/auth0gin/internal/dpop/dpoptest"
	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
)

// The DPoP tests send requests to http://example.com (httptest's
// requests carry that Host), so a proof's htu names it.
const (
	dpopOrigin = "http://example.com"
	dpopPath   = "/api/orders"
	dpopURL    = dpopOrigin + dpopPath
)

var dpopAlgs = "ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA"

// dpopEnv is an API with DPoP routes and a client key its tokens are bound to.
type dpopEnv struct {
	ti    *testIssuer
	a     *auth0gin.Auth0
	h     *gin.Engine
	key   *ecdsa.PrivateKey
	bound string // a token bound to key
	plain string // an unbound token
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func thumb(t testing.TB, k crypto.Signer) string {
	t.Helper()
	jkt, err := dpop.Thumbprint(k)
	if err != nil {
		t.Fatal(err)
	}
	return jkt
}

func dpopEngine(a *auth0gin.Auth0) *gin.Engine {
	r := gin.New()
	api := a.Router(r)
	api.GET(dpopPath, a.Require(), userJSON)
	api.POST(dpopPath, a.Require(), userJSON)
	api.GET("/api/bound", a.Require(auth0gin.DPoP("required")), userJSON)
	api.GET("/api/plain", a.Require(auth0gin.DPoP("off")), userJSON)
	api.GET("/api/admin", a.Require(auth0gin.Scopes("delete:messages")), userJSON)
	api.GET("/api/guest", a.Require(auth0gin.Optional(), auth0gin.DPoP("required")), userJSON)
	twice := api.Group("/api/twice")
	twice.Use(a.Require())
	twice.GET("/x", a.Require(auth0gin.Scopes("read:messages")), userJSON)
	return r
}

func newDPoPEnv(t testing.TB, tweak func(*auth0gin.Config)) *dpopEnv {
	t.Helper()
	e := &dpopEnv{ti: newTestIssuer(t), key: newKey(t)}
	c := e.ti.config()
	if tweak != nil {
		tweak(&c)
	}
	e.a = mustNew(t, c)
	e.h = dpopEngine(e.a)
	e.bound = e.ti.token(t, map[string]any{"cnf": map[string]any{"jkt": thumb(t, e.key)}})
	e.plain = e.ti.token(t, nil)
	return e
}

// proof mints a proof for htm and htu with key, over token, changed by edit.
func proof(t testing.TB, key crypto.Signer, htm, htu, token string, edit func(*dpop.Claims)) string {
	t.Helper()
	jti, err := dpop.NewJTI()
	if err != nil {
		t.Fatal(err)
	}
	c := dpop.Claims{JTI: jti, HTM: htm, HTU: htu, IAT: time.Now().Unix(), ATH: dpop.ATH(token)}
	if edit != nil {
		edit(&c)
	}
	p, err := dpop.Sign(key, c)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var (
	rawProof    = dpoptest.Raw
	es256Signer = dpoptest.ES256
)

type dpopAnswer struct {
	code       int
	challenges []string
	nonce      string
	retryAfter string
	body       map[string]any
}

// send makes one request to h: method and target (a path, on
// example.com), with the headers given as name, value pairs.
func send(t testing.TB, h http.Handler, method, target string, headers ...string) dpopAnswer {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	a := dpopAnswer{code: rec.Code, challenges: rec.Header().Values("WWW-Authenticate"),
		nonce: rec.Header().Get("DPoP-Nonce"), retryAfter: rec.Header().Get("Retry-After")}
	if err := json.Unmarshal(rec.Body.Bytes(), &a.body); err != nil {
		t.Fatalf("%s %s: body is not JSON: %q", method, target, rec.Body.String())
	}
	return a
}

// ok reports whether the answer is a 200 with a user.
func (a dpopAnswer) ok() bool { return a.code == http.StatusOK && a.body["user"] != nil }

func (a dpopAnswer) refusedWith(code string) bool {
	return a.code == http.StatusUnauthorized && a.body["error"] == code
}

// get sends a GET of dpopPath with a DPoP token and proof.
func (e *dpopEnv) get(t testing.TB, target, p string) dpopAnswer {
	t.Helper()
	return send(t, e.h, "GET", target, "Authorization", "DPoP "+e.bound, "DPoP", p)
}

// twin checks one refusal and its passing twin, which differs only in the
// field checked.
func twin(t *testing.T, name string, good, bad dpopAnswer, code string) {
	t.Helper()
	if !good.ok() {
		t.Errorf("%s: the passing twin was refused: %d %v %v", name, good.code, good.challenges, good.body)
	}
	if !bad.refusedWith(code) {
		t.Errorf("%s: got %d %v %v, want 401 %s", name, bad.code, bad.challenges, bad.body, code)
	}
}

func TestDPoPProofChecks(t *testing.T) {
	e := newDPoPEnv(t, nil)
	mk := func(htm, htu string, edit func(*dpop.Claims)) string {
		return proof(t, e.key, htm, htu, e.bound, edit)
	}
	now := time.Now()
	for _, tc := range []struct {
		name      string
		target    string // request target; dpopPath when empty
		good, bad string
	}{
		{name: "htm", good: mk("GET", dpopURL, nil), bad: mk("POST", dpopURL, nil)},
		{name: "htu another path", good: mk("GET", dpopURL, nil), bad: mk("GET", dpopOrigin+"/api/other", nil)},
		{name: "htu another port", good: mk("GET", dpopURL, nil), bad: mk("GET", "http://example.com:8080"+dpopPath, nil)},
		{name: "htu trailing slash", good: mk("GET", dpopURL, nil), bad: mk("GET", dpopURL+"/", nil)},
		{name: "htu another scheme", good: mk("GET", dpopURL, nil), bad: mk("GET", "https://example.com"+dpopPath, nil)},
		{name: "query on the request", target: dpopPath + "?page=2&sort=asc", good: mk("GET", dpopURL, nil), bad: mk("GET", dpopURL+"x", nil)},
		{name: "explicit default port", good: mk("GET", "http://example.com:80"+dpopPath, nil), bad: mk("GET", "http://example.com:81"+dpopPath, nil)},
		{name: "case of scheme and host", good: mk("GET", "HTTP://Example.COM"+dpopPath, nil), bad: mk("GET", "http://example.com/API/orders", nil)},
		{name: "old iat", good: mk("GET", dpopURL, func(c *dpop.Claims) { c.IAT = now.Add(-30 * time.Second).Unix() }),
			bad: mk("GET", dpopURL, func(c *dpop.Claims) { c.IAT = now.Add(-5 * time.Minute).Unix() })},
		{name: "future iat", good: mk("GET", dpopURL, func(c *dpop.Claims) { c.IAT = now.Add(30 * time.Second).Unix() }),
			bad: mk("GET", dpopURL, func(c *dpop.Claims) { c.IAT = now.Add(5 * time.Minute).Unix() })},
		{name: "missing ath", good: mk("GET", dpopURL, nil), bad: mk("GET", dpopURL, func(c *dpop.Claims) { c.ATH = "" })},
		{name: "wrong ath", good: mk("GET", dpopURL, nil), bad: mk("GET", dpopURL, func(c *dpop.Claims) { c.ATH = dpop.ATH(e.plain) })},
		{name: "proof key not the token's", good: mk("GET", dpopURL, nil), bad: proof(t, newKey(t), "GET", dpopURL, e.bound, nil)},
		{name: "oversized proof", good: mk("GET", dpopURL, nil),
			bad: mk("GET", dpopURL, func(c *dpop.Claims) { c.Nonce = strings.Repeat("n", dpop.MaxSize) })},
	} {
		target := tc.target
		if target == "" {
			target = dpopPath
		}
		twin(t, tc.name, e.get(t, target, tc.good), e.get(t, target, tc.bad), "invalid_dpop_proof")
	}
}

func TestDPoPProofHeader(t *testing.T) {
	e := newDPoPEnv(t, nil)
	pub := jose.JSONWebKey{Key: e.key.Public()}
	priv := jose.JSONWebKey{Key: e.key}
	claims := func() map[string]any {
		jti, _ := dpop.NewJTI()
		return map[string]any{"jti": jti, "htm": "GET", "htu": dpopURL, "iat": time.Now().Unix(), "ath": dpop.ATH(e.bound)}
	}
	head := func(alg string, jwk any) map[string]any {
		return map[string]any{"typ": "dpop+jwt", "alg": alg, "jwk": jwk}
	}
	secret := []byte("0123456789abcdef0123456789abcdef")
	hs256 := func(in []byte) []byte { m := hmac.New(sha256.New, secret); m.Write(in); return m.Sum(nil) }
	good := func() string { return rawProof(t, head("ES256", pub), claims(), es256Signer(t, e.key)) }
	for name, bad := range map[string]string{
		"alg none":          rawProof(t, head("none", pub), claims(), nil),
		"alg HS256":         rawProof(t, head("HS256", jose.JSONWebKey{Key: secret}), claims(), hs256),
		"alg HS256, EC jwk": rawProof(t, head("HS256", pub), claims(), hs256),
		"private key":       rawProof(t, head("ES256", priv), claims(), es256Signer(t, e.key)),
		"typ JWT":           rawProof(t, map[string]any{"typ": "JWT", "alg": "ES256", "jwk": pub}, claims(), es256Signer(t, e.key)),
		"no jwk":            rawProof(t, map[string]any{"typ": "dpop+jwt", "alg": "ES256"}, claims(), es256Signer(t, e.key)),
	} {
		twin(t, name, e.get(t, dpopPath, good()), e.get(t, dpopPath, bad), "invalid_dpop_proof")
	}
}

func TestDPoPBinding(t *testing.T) {
	e := newDPoPEnv(t, nil)
	fresh := func() string { return proof(t, e.key, "GET", dpopURL, e.bound, nil) }
	good := func() dpopAnswer { return e.get(t, dpopPath, fresh()) }

	// A bound token as Bearer, with or without a proof.
	twin(t, "bound token as Bearer", good(), send(t, e.h, "GET", dpopPath, "Authorization", "Bearer "+e.bound), "invalid_token")
	twin(t, "bound token as Bearer with a proof", good(),
		send(t, e.h, "GET", dpopPath, "Authorization", "Bearer "+e.bound, "DPoP", fresh()), "invalid_token")
	// A bound token with no proof.
	twin(t, "bound token without a proof", good(), send(t, e.h, "GET", dpopPath, "Authorization", "DPoP "+e.bound), "invalid_dpop_proof")
	// Two DPoP headers.
	twin(t, "two DPoP headers", good(),
		send(t, e.h, "GET", dpopPath, "Authorization", "DPoP "+e.bound, "DPoP", fresh(), "DPoP", fresh()), "invalid_dpop_proof")
	// An unbound token under the DPoP scheme.
	twin(t, "unbound token as DPoP", good(),
		send(t, e.h, "GET", dpopPath, "Authorization", "DPoP "+e.plain, "DPoP", proof(t, e.key, "GET", dpopURL, e.plain, nil)), "invalid_token")
	// The verified-token cache never skips the proof: the token is cached
	// now, and each of these is refused all the same.
	if !good().ok() {
		t.Fatal("a fresh proof was refused")
	}
	if a := send(t, e.h, "GET", dpopPath, "Authorization", "Bearer "+e.bound); !a.refusedWith("invalid_token") {
		t.Errorf("cached bound token as Bearer: %d %v", a.code, a.body)
	}
	if a := e.get(t, dpopPath, proof(t, newKey(t), "GET", dpopURL, e.bound, nil)); !a.refusedWith("invalid_dpop_proof") {
		t.Errorf("cached bound token, another key's proof: %d %v", a.code, a.body)
	}
	// Verify alone cannot see the proof: it refuses a bound token.
	if _, err := e.a.Verify(context.Background(), e.bound); err == nil {
		t.Error("Verify accepted a bound token")
	}
	if _, err := e.a.VerifyExpired(context.Background(), e.bound, time.Minute); err == nil {
		t.Error("VerifyExpired accepted a bound token")
	}
	if _, err := e.a.Verify(context.Background(), e.plain); err != nil {
		t.Errorf("Verify refused an unbound token: %v", err)
	}
}

func TestDPoPReplaySameInstance(t *testing.T) {
	e := newDPoPEnv(t, nil)
	p := proof(t, e.key, "GET", dpopURL, e.bound, nil)
	if a := e.get(t, dpopPath, p); !a.ok() {
		t.Fatalf("first use: %d %v", a.code, a.body)
	}
	twin(t, "replayed jti", e.get(t, dpopPath, proof(t, e.key, "GET", dpopURL, e.bound, nil)), e.get(t, dpopPath, p), "invalid_dpop_proof")
	// Two guards on one request count its proof once.
	p2 := proof(t, e.key, "GET", dpopOrigin+"/api/twice/x", e.bound, nil)
	if a := e.get(t, "/api/twice/x", p2); !a.ok() {
		t.Errorf("two guards, one proof: %d %v", a.code, a.body)
	}
	if a := e.get(t, "/api/twice/x", p2); !a.refusedWith("invalid_dpop_proof") {
		t.Errorf("two guards, the proof replayed: %d %v", a.code, a.body)
	}
}

func TestDPoPReplayAcrossInstancesOnRedis(t *testing.T) {
	prefix := redistest.Prefix(t)
	e := newDPoPEnv(t, func(c *auth0gin.Config) { c.DPoPReplay = redistest.OpenPrefix(t, prefix) })
	c2 := e.ti.config()
	c2.DPoPReplay = redistest.OpenPrefix(t, prefix)
	other := dpopEngine(mustNew(t, c2))
	p := proof(t, e.key, "GET", dpopURL, e.bound, nil)
	if a := e.get(t, dpopPath, p); !a.ok() {
		t.Fatalf("first instance: %d %v", a.code, a.body)
	}
	good := send(t, other, "GET", dpopPath, "Authorization", "DPoP "+e.bound, "DPoP", proof(t, e.key, "GET", dpopURL, e.bound, nil))
	bad := send(t, other, "GET", dpopPath, "Authorization", "DPoP "+e.bound, "DPoP", p)
	twin(t, "jti replayed on another instance", good, bad, "invalid_dpop_proof")
}

// failingReplay is a replay cache whose store is down.
type failingReplay struct{ down bool }

func (f *failingReplay) Add(context.Context, string, []byte, time.Time) (bool, error) {
	if f.down {
		return false, errors.New("connection refused")
	}
	return true, nil
}

func TestDPoPReplayStoreOutage(t *testing.T) {
	st := &failingReplay{}
	e := newDPoPEnv(t, func(c *auth0gin.Config) { c.DPoPReplay = st })
	if a := e.get(t, dpopPath, proof(t, e.key, "GET", dpopURL, e.bound, nil)); !a.ok() {
		t.Fatalf("store up: %d %v", a.code, a.body)
	}
	st.down = true
	a := e.get(t, dpopPath, proof(t, e.key, "GET", dpopURL, e.bound, nil))
	if a.code != http.StatusServiceUnavailable || a.retryAfter == "" || a.body["error"] != "temporarily_unavailable" {
		t.Errorf("store down: %d Retry-After %q %v, want 503 with Retry-After", a.code, a.retryAfter, a.body)
	}
	// A Bearer token needs no replay cache.
	if a := send(t, e.h, "GET", dpopPath, "Authorization", "Bearer "+e.plain); !a.ok() {
		t.Errorf("Bearer while the replay store is down: %d %v", a.code, a.body)
	}
}

func TestDPoPPolicies(t *testing.T) {
	e := newDPoPEnv(t, nil)
	realm := testAudience
	bearerCh := `Bearer realm="` + realm + `"`
	dpopCh := `DPoP realm="` + realm + `", algs="` + dpopAlgs + `"`
	for _, tc := range []struct {
		name       string
		path       string
		headers    []string
		code       int
		challenges []string
	}{
		{"allowed, no token", dpopPath, nil, 401, []string{bearerCh, dpopCh}},
		{"allowed, Bearer", dpopPath, []string{"Authorization", "Bearer " + e.plain}, 200, nil},
		{"allowed, bad proof", dpopPath, []string{"Authorization", "DPoP " + e.bound, "DPoP", "x.y.z"}, 401, []string{bearerCh,
			`DPoP realm="` + realm + `", error="invalid_dpop_proof", error_description="invalid DPoP proof: parse: illegal base64 data at input byte 0", algs="` + dpopAlgs + `"`}},
		{"allowed, bound as Bearer", dpopPath, []string{"Authorization", "Bearer " + e.bound}, 401, []string{
			bearerCh + `, error="invalid_token", error_description="a DPoP-bound token needs the DPoP scheme and a proof"`, dpopCh}},
		{"required, no token", "/api/bound", nil, 401, []string{dpopCh}},
		{"required, Bearer", "/api/bound", []string{"Authorization", "Bearer " + e.plain}, 401, []string{
			`DPoP realm="` + realm + `", error="invalid_token", error_description="a DPoP-bound token and proof are required", algs="` + dpopAlgs + `"`}},
		{"required, optional route, no token", "/api/guest", nil, 200, nil},
		{"off, Bearer", "/api/plain", []string{"Authorization", "Bearer " + e.plain}, 200, nil},
		{"off, DPoP", "/api/plain", []string{"Authorization", "DPoP " + e.bound, "DPoP", proof(t, e.key, "GET", dpopOrigin+"/api/plain", e.bound, nil)}, 401, []string{bearerCh}},
		{"off, bound as Bearer", "/api/plain", []string{"Authorization", "Bearer " + e.bound}, 401, []string{
			bearerCh + `, error="invalid_token", error_description="a DPoP-bound token needs the DPoP scheme and a proof"`}},
	} {
		a := send(t, e.h, "GET", tc.path, tc.headers...)
		if a.code != tc.code || !slices.Equal(a.challenges, tc.challenges) {
			t.Errorf("%s: %d %q\nwant %d %q", tc.name, a.code, a.challenges, tc.code, tc.challenges)
		}
	}
	// Required route, DPoP: accepted.
	if a := e.get(t, "/api/bound", proof(t, e.key, "GET", dpopOrigin+"/api/bound", e.bound, nil)); !a.ok() {
		t.Errorf("required, DPoP: %d %v", a.code, a.body)
	}
	// A DPoP request short of a scope: the error goes on the DPoP challenge.
	a := e.get(t, "/api/admin", proof(t, e.key, "GET", dpopOrigin+"/api/admin", e.bound, nil))
	want := []string{bearerCh, `DPoP realm="` + realm + `", error="insufficient_scope", error_description="missing scope delete:messages", scope="delete:messages", algs="` + dpopAlgs + `"`}
	if a.code != 403 || !slices.Equal(a.challenges, want) {
		t.Errorf("DPoP, missing scope: %d %q\nwant 403 %q", a.code, a.challenges, want)
	}
	ops := map[string]string{}
	for _, op := range e.a.Operations() {
		ops[op.Path] = op.DPoP
	}
	if ops[dpopPath] != "" || ops["/api/bound"] != "required" || ops["/api/plain"] != "off" {
		t.Errorf("Operations' DPoP: %v", ops)
	}
}

func TestDPoPAPIRequired(t *testing.T) {
	e := newDPoPEnv(t, func(c *auth0gin.Config) { c.DPoP = "required" })
	good := e.get(t, dpopPath, proof(t, e.key, "GET", dpopURL, e.bound, nil))
	bad := send(t, e.h, "GET", dpopPath, "Authorization", "Bearer "+e.plain)
	twin(t, "API requires DPoP", good, bad, "invalid_token")
	// The route's own policy wins.
	if a := send(t, e.h, "GET", "/api/plain", "Authorization", "Bearer "+e.plain); !a.ok() {
		t.Errorf("route off under an API that requires DPoP: %d %v", a.code, a.body)
	}
}

func TestDPoPPublicOrigin(t *testing.T) {
	e := newDPoPEnv(t, func(c *auth0gin.Config) { c.PublicOrigin = "https://API.example.com:443/" })
	if got := e.a.Config().PublicOrigin; got != "https://api.example.com" {
		t.Errorf("PublicOrigin = %q", got)
	}
	// The request reaches the app as http://example.com (behind the proxy).
	twin(t, "public origin", e.get(t, dpopPath, proof(t, e.key, "GET", "https://api.example.com"+dpopPath, e.bound, nil)),
		e.get(t, dpopPath, proof(t, e.key, "GET", dpopURL, e.bound, nil)), "invalid_dpop_proof")
}

func TestDPoPNonces(t *testing.T) {
	secret := strings.Repeat("s", 32)
	e := newDPoPEnv(t, func(c *auth0gin.Config) { c.DPoPNonceSecret = secret })
	a := e.get(t, dpopPath, proof(t, e.key, "GET", dpopURL, e.bound, nil))
	if !a.refusedWith("use_dpop_nonce") || a.nonce == "" {
		t.Fatalf("no nonce: %d %v nonce %q", a.code, a.body, a.nonce)
	}
	wantCh := `DPoP realm="` + testAudience + `", error="use_dpop_nonce", error_description="the DPoP proof must carry the server's nonce (DPoP-Nonce)", algs="` + dpopAlgs + `"`
	if !slices.Contains(a.challenges, wantCh) {
		t.Errorf("challenges %q, want %q among them", a.challenges, wantCh)
	}
	withNonce := func(n string) func(*dpop.Claims) { return func(c *dpop.Claims) { c.Nonce = n } }
	good := e.get(t, dpopPath, proof(t, e.key, "GET", dpopURL, e.bound, withNonce(a.nonce)))
	bad := e.get(t, dpopPath, proof(t, e.key, "GET", dpopURL, e.bound, withNonce("not-a-nonce")))
	twin(t, "nonce", good, bad, "use_dpop_nonce")
	if good.nonce == "" {
		t.Error("a successful DPoP request carries no DPoP-Nonce")
	}
	// Another instance with the same secret takes this one's nonce.
	c2 := e.ti.config()
	c2.DPoPNonceSecret = secret
	other := dpopEngine(mustNew(t, c2))
	if a := send(t, other, "GET", dpopPath, "Authorization", "DPoP "+e.bound, "DPoP",
		proof(t, e.key, "GET", dpopURL, e.bound, withNonce(a.nonce))); !a.ok() {
		t.Errorf("another instance refused the nonce: %d %v", a.code, a.body)
	}
	// Bearer requests need no nonce, and get none.
	if a := send(t, e.h, "GET", dpopPath, "Authorization", "Bearer "+e.plain); !a.ok() || a.nonce != "" {
		t.Errorf("Bearer with nonces on: %d %v nonce %q", a.code, a.body, a.nonce)
	}
}

func TestDPoPSharedCacheKeepsBinding(t *testing.T) {
	cache := newGobCache()
	e := newDPoPEnv(t, func(c *auth0gin.Config) { c.Cache = cache })
	if a := e.get(t, dpopPath, proof(t, e.key, "GET", dpopURL, e.bound, nil)); !a.ok() {
		t.Fatalf("%d %v", a.code, a.body)
	}
	c2 := e.ti.config()
	c2.Cache = cache
	other := dpopEngine(mustNew(t, c2))
	// Its keys fetched, the second instance trusts the cache's verdicts.
	if a := send(t, other, "GET", dpopPath, "Authorization", "Bearer "+e.plain); !a.ok() {
		t.Fatalf("%d %v", a.code, a.body)
	}
	sets := cache.sets
	twin(t, "bound token as Bearer, from a shared cache",
		send(t, other, "GET", dpopPath, "Authorization", "DPoP "+e.bound, "DPoP", proof(t, e.key, "GET", dpopURL, e.bound, nil)),
		send(t, other, "GET", dpopPath, "Authorization", "Bearer "+e.bound), "invalid_token")
	if cache.sets != sets {
		t.Errorf("the second instance verified the token again (%d sets): not a cache hit", cache.sets-sets)
	}
}

func TestDPoPVerifyRequest(t *testing.T) {
	e := newDPoPEnv(t, nil)
	req := func(p string) *http.Request {
		r := httptest.NewRequest("POST", "/auth/session", nil)
		r.Header.Set("Authorization", "DPoP "+e.bound)
		if p != "" {
			r.Header.Set("DPoP", p)
		}
		return r
	}
	u, err := e.a.VerifyRequest(req(proof(t, e.key, "POST", dpopOrigin+"/auth/session", e.bound, nil)))
	if err != nil || u.ID != "auth0|alice" {
		t.Fatalf("VerifyRequest: %v, %v", u, err)
	}
	_, err = e.a.VerifyRequest(req(""))
	var ae *auth0gin.AuthError
	if !errors.As(err, &ae) || ae.Code != "invalid_dpop_proof" {
		t.Fatalf("no proof: %v", err)
	}
	rec := httptest.NewRecorder()
	ae.WriteResponse(rec, "api")
	if got := rec.Header().Values("WWW-Authenticate"); len(got) != 2 || !strings.HasPrefix(got[1], `DPoP realm="api", error="invalid_dpop_proof"`) {
		t.Errorf("challenges %q", got)
	}
}

// The hot path of a bound token, once cached, is safe under concurrency.
func TestDPoPConcurrent(t *testing.T) {
	e := newDPoPEnv(t, nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if a := e.get(t, dpopPath, proof(t, e.key, "GET", dpopURL, e.bound, nil)); !a.ok() {
					t.Errorf("%d %v", a.code, a.body)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestDPoPConfig(t *testing.T) {
	ti := newTestIssuer(t)
	for name, tweak := range map[string]func(*auth0gin.Config){
		"mode":            func(c *auth0gin.Config) { c.DPoP = "sometimes" },
		"origin path":     func(c *auth0gin.Config) { c.PublicOrigin = "https://api.example.com/api" },
		"origin http":     func(c *auth0gin.Config) { c.PublicOrigin = "http://api.example.com" },
		"origin scheme":   func(c *auth0gin.Config) { c.PublicOrigin = "ftp://api.example.com" },
		"short secret":    func(c *auth0gin.Config) { c.DPoPNonceSecret = "short" },
		"HS256":           func(c *auth0gin.Config) { c.DPoPAlgorithms = []string{"ES256", "HS256"} },
		"none":            func(c *auth0gin.Config) { c.DPoPAlgorithms = []string{"none"} },
		"negative window": func(c *auth0gin.Config) { c.DPoPWindow = -time.Second },
	} {
		c := ti.config()
		tweak(&c)
		if _, err := auth0gin.New(c); !errors.Is(err, auth0gin.ErrConfig) {
			t.Errorf("%s: New = %v, want ErrConfig", name, err)
		}
	}
	c := ti.config()
	c.PublicOrigin = "http://127.0.0.1:8080"
	if got := mustNew(t, c).Config(); got.PublicOrigin != "http://127.0.0.1:8080" || got.DPoP != "allowed" || got.DPoPWindow != time.Minute {
		t.Errorf("resolved: %q %q %v", got.PublicOrigin, got.DPoP, got.DPoPWindow)
	}
	for _, mode := range []string{"", "sometimes"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("DPoP(%q) did not panic at registration", mode)
				}
			}()
			mustNew(t, ti.config()).Require(auth0gin.DPoP(mode))
		}()
	}
}

func TestDPoPFromEnv(t *testing.T) {
	inDotEnvDir(t, nil)
	t.Setenv("AUTH0_DOMAIN", "tenant.example.com")
	t.Setenv("AUTH0_API_AUDIENCE", "https://api")
	t.Setenv("AUTH0GIN_DPOP", "Required")
	t.Setenv("AUTH0GIN_PUBLIC_ORIGIN", "https://api.example.com")
	t.Setenv("AUTH0GIN_DPOP_NONCE_SECRET", strings.Repeat("k", 40))
	c := fromEnv(t)
	if c.DPoP != "required" || c.PublicOrigin != "https://api.example.com" || len(c.DPoPNonceSecret) != 40 {
		t.Errorf("FromEnv: DPoP %q, PublicOrigin %q, secret of %d bytes", c.DPoP, c.PublicOrigin, len(c.DPoPNonceSecret))
	}
}

// A user of an earlier request, put in a later request's context by the
// app, never lets that request's proof skip the replay check.
func TestDPoPReplayWithAnEarlierUser(t *testing.T) {
	e := newDPoPEnv(t, nil)
	var earlier *auth0gin.Auth0User
	r := gin.New()
	r.Use(func(c *gin.Context) {
		if earlier != nil {
			c.Request = c.Request.WithContext(auth0gin.WithUser(c.Request.Context(), earlier))
		}
	})
	r.GET(dpopPath, e.a.Require(), func(c *gin.Context) {
		earlier = auth0gin.MustUser(c)
		c.JSON(http.StatusOK, gin.H{"user": earlier.ID})
	})
	p := proof(t, e.key, "GET", dpopURL, e.bound, nil)
	if a := send(t, r, "GET", dpopPath, "Authorization", "DPoP "+e.bound, "DPoP", p); !a.ok() {
		t.Fatalf("first use: %d %v", a.code, a.body)
	}
	if a := send(t, r, "GET", dpopPath, "Authorization", "DPoP "+e.bound, "DPoP", p); !a.refusedWith("invalid_dpop_proof") {
		t.Errorf("replayed beside the earlier user: %d %v", a.code, a.body)
	}
}

// An ExpiredWithin route takes Bearer tokens only: no DPoP scheme, and no
// bound token, whose proof it would not check.
func TestDPoPExpiredWithin(t *testing.T) {
	e := newDPoPEnv(t, nil)
	r := gin.New()
	r.POST("/refresh", e.a.Require(auth0gin.ExpiredWithin(time.Hour)), userJSON)
	expired := func(over map[string]any) string {
		c := map[string]any{"iat": time.Now().Add(-2 * time.Hour).Unix(), "exp": time.Now().Add(-time.Minute).Unix()}
		return e.ti.token(t, mergeClaims(c, over))
	}
	plain, bound := expired(nil), expired(map[string]any{"cnf": map[string]any{"jkt": thumb(t, e.key)}})
	good := send(t, r, "POST", "/refresh", "Authorization", "Bearer "+plain)
	twin(t, "bound token on an ExpiredWithin route", good, send(t, r, "POST", "/refresh", "Authorization", "Bearer "+bound), "invalid_token")
	twin(t, "DPoP scheme on an ExpiredWithin route", good, send(t, r, "POST", "/refresh", "Authorization", "DPoP "+bound,
		"DPoP", proof(t, e.key, "POST", dpopOrigin+"/refresh", bound, nil)), "invalid_token")
}
