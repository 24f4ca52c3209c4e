package session_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	jose "gopkg.in/go-jose/go-jose.v2"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/internal/dpop"
)

// boundIssuer is an issuer of DPoP-bound tokens (cnf.jkt) whose claims the
// test chooses freely: a key of its own, published over discovery.
type boundIssuer struct {
	srv *httptest.Server
	key *rsa.PrivateKey
}

func newBoundIssuer(t *testing.T) *boundIssuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	bi := &boundIssuer{key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": bi.srv.URL + "/", "jwks_uri": bi.srv.URL + "/jwks"})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: key.Public(), KeyID: "k", Algorithm: "RS256", Use: "sig"}}})
	})
	bi.srv = httptest.NewServer(mux)
	t.Cleanup(bi.srv.Close)
	return bi
}

func (bi *boundIssuer) config() auth0gin.Config {
	return auth0gin.Config{Domain: bi.srv.URL, Audience: []string{"https://api.test"}, Logger: slog.New(slog.DiscardHandler)}
}

// token signs alice's token, bound to jkt unless it is "".
func (bi *boundIssuer) token(t *testing.T, jkt string) string {
	t.Helper()
	now := time.Now()
	claims := map[string]any{"iss": bi.srv.URL + "/", "sub": "auth0|alice", "aud": "https://api.test",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "scope": "read:messages", "azp": "spa"}
	if jkt != "" {
		claims["cnf"] = map[string]string{"jkt": jkt}
	}
	payload, _ := json.Marshal(claims)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: bi.key, KeyID: "k"}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := jws.CompactSerialize()
	return s
}

// Trading a bound token for a session needs its proof, as a guard would.
func TestLoginWithBoundToken(t *testing.T) {
	bi := newBoundIssuer(t)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	jkt, _ := dpop.Thumbprint(key)
	tok := bi.token(t, jkt)
	e := newEnvAuth(t, newStore(t), auth0test.NewTenant(t), bi.config(), session.Config{})
	htu := e.srv.URL + "/auth/session"
	proof := func(htm, htu string) string {
		p, err := dpop.NewProof(key, htm, htu, tok, "")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for name, tc := range map[string]struct {
		h    map[string]string
		code int
		err  string
	}{
		"as Bearer":              {map[string]string{"Authorization": "Bearer " + tok}, 401, "invalid_token"},
		"as Bearer with a proof": {map[string]string{"Authorization": "Bearer " + tok, "DPoP": proof("POST", htu)}, 401, "invalid_token"},
		"no proof":               {map[string]string{"Authorization": "DPoP " + tok}, 401, "invalid_dpop_proof"},
		"proof of another URI":   {map[string]string{"Authorization": "DPoP " + tok, "DPoP": proof("POST", e.srv.URL+"/api/private")}, 401, "invalid_dpop_proof"},
		"proof of another key": {map[string]string{"Authorization": "DPoP " + tok, "DPoP": func() string {
			other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			p, _ := dpop.NewProof(other, "POST", htu, tok, "")
			return p
		}()}, 401, "invalid_dpop_proof"},
	} {
		r := e.do("POST", "/auth/session", tc.h)
		if r.code != tc.code || r.body["error"] != tc.err || r.h.Get("Set-Cookie") != "" {
			t.Errorf("%s: %d %v, want %d %s and no cookie", name, r.code, r.body, tc.code, tc.err)
		}
	}
	r := e.do("POST", "/auth/session", map[string]string{"Authorization": "DPoP " + tok, "DPoP": proof("POST", htu)})
	if r.code != 200 || r.h.Get("Set-Cookie") == "" {
		t.Fatalf("DPoP with its proof: %d %v", r.code, r.raw)
	}
	// The cookie is a bearer credential: it opens the session with no proof.
	c := (&http.Response{Header: r.h}).Cookies()[0]
	if r := e.do("GET", "/api/private", cookieH(c)); r.code != 200 {
		t.Errorf("the cookie back: %d %v", r.code, r.body)
	}
	// An unbound token still logs in as Bearer.
	if r := e.do("POST", "/auth/session", map[string]string{"Authorization": "Bearer " + bi.token(t, "")}); r.code != 200 {
		t.Errorf("unbound token as Bearer: %d %v", r.code, r.body)
	}
}

// A page on a trusted origin may send a DPoP proof and read DPoP-Nonce.
func TestCORSAllowsDPoP(t *testing.T) {
	const spa = "https://spa.example.com"
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{TrustedOrigins: []string{spa}})
	r := gin.New()
	r.Use(e.sess.CORS())
	r.GET("/api/private", e.auth.RequireScopes(), func(c *gin.Context) { c.Status(http.StatusNoContent) })
	req := httptest.NewRequest(http.MethodOptions, "/api/private", nil)
	req.Header.Set("Origin", spa)
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "authorization,dpop")
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if allow := strings.ToLower(w.Header().Get("Access-Control-Allow-Headers")); !strings.Contains(allow, "dpop") {
		t.Errorf("preflight: %d, Access-Control-Allow-Headers %q", w.Code, allow)
	}
	req = httptest.NewRequest(http.MethodGet, "/api/private", nil)
	req.Header.Set("Origin", spa)
	w = httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if exp := w.Header().Get("Access-Control-Expose-Headers"); !strings.Contains(exp, "Dpop-Nonce") {
		t.Errorf("Access-Control-Expose-Headers %q: DPoP-Nonce not exposed", exp)
	}
}
