package devtenant_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	jose "gopkg.in/go-jose/go-jose.v2"
)

// clock is a manual clock for the tenant.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a tenant on an httptest server with a manual clock.
type env struct {
	*devtenant.Tenant
	srv   *httptest.Server
	url   string // base URL with slash
	clock *clock
}

func newEnv(t *testing.T, mutate ...func(*devtenant.Config)) *env {
	t.Helper()
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	ck := &clock{t: time.Now().Truncate(time.Second)}
	cfg := devtenant.Default()
	cfg.Issuer = srv.URL
	cfg.Now = ck.Now
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, m := range mutate {
		m(&cfg)
	}
	tn, err := devtenant.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h = tn
	return &env{Tenant: tn, srv: srv, url: srv.URL + "/", clock: ck}
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	body   []byte
	json   map[string]any
}

func (r response) str(k string) string { s, _ := r.json[k].(string); return s }

func do(t *testing.T, c *http.Client, req *http.Request) response {
	t.Helper()
	if c == nil {
		c = noRedirect(nil)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	out := response{status: res.StatusCode, header: res.Header, body: body}
	_ = json.Unmarshal(body, &out.json)
	return out
}

func noRedirect(jar http.CookieJar) *http.Client {
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func newJar(t *testing.T) http.CookieJar {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return jar
}

func (e *env) post(t *testing.T, path string, form url.Values) response {
	t.Helper()
	req, _ := http.NewRequest("POST", e.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, nil, req)
}

func (e *env) postJSON(t *testing.T, path, body, token string) response {
	t.Helper()
	req, _ := http.NewRequest("POST", e.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, nil, req)
}

func (e *env) get(t *testing.T, path, token string) response {
	t.Helper()
	req, _ := http.NewRequest("GET", e.url+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, nil, req)
}

func (e *env) password(t *testing.T, user, pass, scope string) response {
	t.Helper()
	return e.post(t, "oauth/token", url.Values{
		"grant_type": {"password"}, "client_id": {devtenant.SPAClient.ID},
		"username": {user}, "password": {pass}, "audience": {devtenant.Audience}, "scope": {scope},
	})
}

func (e *env) m2m(t *testing.T, audience string) string {
	t.Helper()
	r := e.post(t, "oauth/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {devtenant.M2MClient.ID},
		"client_secret": {devtenant.M2MClient.Secret}, "audience": {audience},
	})
	wantStatus(t, r, 200)
	return r.str("access_token")
}

func wantStatus(t *testing.T, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
}

// wantOAuthError checks an Authentication API error.
func wantOAuthError(t *testing.T, r response, status int, code, desc string) {
	t.Helper()
	if r.status != status || r.str("error") != code || (desc != "" && r.str("error_description") != desc) {
		t.Fatalf("got %d %s, want %d {%q %q}", r.status, r.body, status, code, desc)
	}
}

// claims decodes a JWT's header and payload without verifying it.
func claims(t *testing.T, tok string) (header, payload map[string]any) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %q", tok)
	}
	for i, dst := range []*map[string]any{&header, &payload} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, dst); err != nil {
			t.Fatal(err)
		}
	}
	return header, payload
}

// verify checks tok against the tenant's published JWKS.
func (e *env) verify(tok string) error {
	res, err := http.Get(e.url + ".well-known/jwks.json")
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(res.Body).Decode(&set); err != nil {
		return err
	}
	obj, err := jose.ParseSigned(tok)
	if err != nil {
		return err
	}
	keys := set.Key(obj.Signatures[0].Header.KeyID)
	if len(keys) == 0 {
		return errNoKey
	}
	_, err = obj.Verify(keys[0].Key)
	return err
}

var errNoKey = &keyError{}

type keyError struct{}

func (*keyError) Error() string { return "kid not in JWKS" }

var hiddenState = regexp.MustCompile(`name="state" value="([^"]+)"`)

// formState extracts the hidden state of a login or activation page.
func formState(t *testing.T, page []byte) string {
	t.Helper()
	m := hiddenState.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no state in page:\n%s", page)
	}
	return string(m[1])
}

func fragment(t *testing.T, loc string) url.Values {
	t.Helper()
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	v, err := url.ParseQuery(u.Fragment)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
