package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// tenantTap is a reverse proxy between the example and the tenant that
// keeps every secret the tenant hands the example (device codes, tokens),
// so the test can prove none of them leaks.
type tenantTap struct {
	URL     string
	mu      sync.Mutex
	secrets []string
}

func newTenantTap(t *testing.T, tenant *auth0test.Tenant) *tenantTap {
	t.Helper()
	target, _ := url.Parse(tenant.URL)
	tap := &tenantTap{}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = func(res *http.Response) error {
		if !strings.HasPrefix(res.Request.URL.Path, "/oauth/") {
			return nil
		}
		b, err := io.ReadAll(res.Body)
		if err != nil {
			return err
		}
		res.Body = io.NopCloser(bytes.NewReader(b))
		var body map[string]any
		_ = json.Unmarshal(b, &body)
		tap.mu.Lock()
		defer tap.mu.Unlock()
		for _, k := range []string{"device_code", "access_token", "refresh_token", "id_token"} {
			if s, ok := body[k].(string); ok {
				tap.secrets = append(tap.secrets, s)
			}
		}
		return nil
	}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	tap.URL = srv.URL
	return tap
}

// issuers is AUTH0_ISSUER for an example whose calls to the tenant go
// through the tap: the tap first (the core calls the tenant's endpoints at
// its first issuer), then the tenant, which signs the tokens.
func (tp *tenantTap) issuers(tenant *auth0test.Tenant) string {
	return tp.URL + "/," + tenant.URL
}

func (tp *tenantTap) all() []string {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return append([]string(nil), tp.secrets...)
}

// postJSON sends a JSON body (empty: none) and records the answer like do.
func (rc *recorder) postJSON(t *testing.T, target, body string) (answer, map[string]any) {
	t.Helper()
	res, err := rc.client.Post(target, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", target, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	rc.mu.Lock()
	fmt.Fprintf(&rc.seen, "%d\n", res.StatusCode)
	for k, vs := range res.Header {
		if k != "Set-Cookie" {
			fmt.Fprintf(&rc.seen, "%s: %s\n", k, strings.Join(vs, ", "))
		}
	}
	rc.mu.Unlock()
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	a := answer{res.StatusCode, res.Header, string(b)}
	if res.StatusCode != 200 || !strings.HasSuffix(target, "/auth/device/poll") {
		// The approved poll's body carries the session secret by design; every
		// other body is searched for leaks.
		rc.mu.Lock()
		rc.seen.Write(b)
		rc.seen.WriteByte('\n')
		rc.mu.Unlock()
	}
	return a, m
}

// TestDeviceLoginCLI is a CLI with nothing but an HTTP client: it starts a
// device login, the user approves it in a browser (the tenant's activation
// page, answered as a browser would with its cookie jar and Origin), and the
// CLI polls until it gets a session that works on /api/private-scoped. Every
// poll answer is met: pending, slow_down, approved, denied, expired.
func TestDeviceLoginCLI(t *testing.T) {
	var ahead atomic.Int64 // how far the tenant's clock runs ahead of real time
	tenant := auth0test.NewTenant(t,
		func(c *devtenant.Config) { c.DeviceInterval = time.Second },
		auth0test.WithClock(func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }))
	tap := newTenantTap(t, tenant)
	ex := startExample(t, tenantEnv(tenant, "AUTH0_ISSUER", tap.issuers(tenant)))
	rc := newRecorder()
	start := func() map[string]any {
		t.Helper()
		a, b := rc.postJSON(t, ex.URL+"/auth/device", "")
		if a.code != 200 {
			t.Fatalf("start: %d %s", a.code, a.body)
		}
		if _, ok := b["device_code"]; ok || b["poll_id"] == nil || b["user_code"] == nil || b["interval"] != float64(1) || b["expires_in"] != float64(900) ||
			b["verification_uri"] != tenant.URL+"activate" || !strings.HasPrefix(b["verification_uri_complete"].(string), tenant.URL+"activate?user_code=") {
			t.Fatalf("start answer: %s", a.body)
		}
		return b
	}
	poll := func(pollID string) (answer, map[string]any) {
		t.Helper()
		return rc.postJSON(t, ex.URL+"/auth/device/poll", `{"poll_id":"`+pollID+`"}`)
	}
	wantPoll := func(pollID, code string) {
		t.Helper()
		if a, b := poll(pollID); a.code != 400 || b["error"] != code {
			t.Fatalf("poll: want 400 %s, got %d %s", code, a.code, a.body)
		}
	}
	interval := func() { time.Sleep(1100 * time.Millisecond) } // the tenant's interval, configured to 1 s

	// Approved.
	d := start()
	pollID := d["poll_id"].(string)
	wantPoll(pollID, "authorization_pending")
	// At once again: too soon. (On a machine so loaded that a whole interval
	// passes between two requests, the tenant is asked again; try once more.)
	for i := 0; ; i++ {
		a, b := poll(pollID)
		if a.code == 400 && b["error"] == "slow_down" {
			break
		}
		if i == 2 || b["error"] != "authorization_pending" {
			t.Fatalf("poll at once: want 400 slow_down, got %d %s", a.code, a.body)
		}
	}
	tenant.AnswerDevice(t, d["verification_uri_complete"].(string), devtenant.Alice.Email, devtenant.Alice.Password, true)
	interval()
	a, b := poll(pollID)
	if a.code != 200 || b["name"] != "auth0gin_session" || b["expires_at"] == nil {
		t.Fatalf("approved poll: %d %s", a.code, a.body)
	}
	secret, _ := b["value"].(string)
	var setCookie string
	for _, c := range (&http.Response{Header: a.h}).Cookies() {
		if c.Name == "auth0gin_session" {
			setCookie = c.Value
		}
	}
	if secret == "" || setCookie != secret {
		t.Fatalf("the body's value and the Set-Cookie differ: %q %q", secret, setCookie)
	}
	me := rc.do(t, "GET", ex.URL+"/api/private-scoped", cookie(secret))
	if me.code != 200 {
		t.Fatalf("the CLI's session on /api/private-scoped: %d %s", me.code, me.body)
	}
	if p := decodePrivate(t, []byte(me.body)); p.User.ID != devtenant.Alice.ID || p.User.Email == nil || *p.User.Email != devtenant.Alice.Email {
		t.Errorf("the CLI's session is not alice's: %s", me.body)
	}
	interval()
	wantPoll(pollID, "invalid_grant") // handed out once

	// Denied.
	d = start()
	tenant.AnswerDevice(t, d["verification_uri_complete"].(string), devtenant.Alice.Email, devtenant.Alice.Password, false)
	wantPoll(d["poll_id"].(string), "access_denied")

	// Expired: the tenant's clock jumps past the code's 900 s.
	d = start()
	ahead.Store(int64(901 * time.Second))
	wantPoll(d["poll_id"].(string), "expired_token")
	interval()
	wantPoll(d["poll_id"].(string), "expired_token")

	// No leaks: no tenant secret in any answer or log line, the session
	// secret in no log line (and in no answer but the approved poll's).
	secrets := tap.all()
	if len(secrets) < 5 { // three device codes, and the approved poll's tokens
		t.Fatalf("tapped %d secrets: the check would prove little", len(secrets))
	}
	rc.checkNoLeak(t, append(secrets, secret)...)
	ex.CheckLogHasNo(t, append(secrets, secret, pollID)...)
}

// TestOpaqueTokensExample: with SESSION_OPAQUE_TOKENS=true an opaque token
// (asked for without an audience) opens a session with alice's email and no
// permissions; without it, 401. Refused tokens are 401, never 500.
func TestOpaqueTokensExample(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	tap := newTenantTap(t, tenant)
	opaque := func(email, password string) string {
		t.Helper()
		res, err := http.PostForm(tenant.URL+"oauth/token", url.Values{"grant_type": {"password"}, "client_id": {devtenant.SPAClient.ID},
			"username": {email}, "password": {password}, "scope": {"openid email"}})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil || strings.Count(body.AccessToken, ".") == 2 || body.AccessToken == "" {
			t.Fatalf("no opaque token: %d %v", res.StatusCode, err)
		}
		return body.AccessToken
	}
	tok := opaque(devtenant.Alice.Email, devtenant.Alice.Password)
	rc := newRecorder()

	off := startExample(t, tenantEnv(tenant))
	if a := rc.do(t, "POST", off.URL+"/auth/session", map[string]string{"Authorization": "Bearer " + tok}); a.code != 401 {
		t.Errorf("opaque token with the feature off: %d %s", a.code, a.body)
	}

	on := startExample(t, tenantEnv(tenant, "AUTH0_ISSUER", tap.issuers(tenant), "SESSION_OPAQUE_TOKENS", "true"))
	secret := rc.login(t, on, tok)
	me := rc.do(t, "GET", on.URL+"/api/private", cookie(secret))
	if me.code != 200 {
		t.Fatalf("the opaque session on /api/private: %d %s", me.code, me.body)
	}
	if p := decodePrivate(t, []byte(me.body)); p.User.ID != devtenant.Alice.ID || p.User.Email == nil || *p.User.Email != devtenant.Alice.Email || len(p.User.Permissions) != 0 {
		t.Errorf("the opaque session: %s", me.body)
	}
	if a := rc.do(t, "GET", on.URL+"/api/private-scoped", cookie(secret)); a.code != 403 {
		t.Errorf("the opaque session on a scoped route: %d %s", a.code, a.body)
	}

	// Revoked (the user deleted at the tenant) and garbage tokens: 401.
	bobTok := opaque(devtenant.Bob.Email, devtenant.Bob.Password)
	res, err := http.PostForm(tenant.URL+"oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {devtenant.M2MClient.ID},
		"client_secret": {devtenant.M2MClient.Secret}, "audience": {tenant.ManagementAudience()}})
	if err != nil {
		t.Fatal(err)
	}
	var m2m struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(res.Body).Decode(&m2m)
	res.Body.Close()
	req, _ := http.NewRequest("DELETE", tenant.URL+"api/v2/users/"+url.PathEscape(devtenant.Bob.ID), nil)
	req.Header.Set("Authorization", "Bearer "+m2m.AccessToken)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 204 {
		t.Fatalf("deleting bob: %v %v", res, err)
	}
	for name, tk := range map[string]string{"revoked": bobTok, "garbage": "garbage", "long garbage": strings.Repeat("g", 5000)} {
		if a := rc.do(t, "POST", on.URL+"/auth/session", map[string]string{"Authorization": "Bearer " + tk}); a.code != 401 {
			t.Errorf("%s opaque token: %d %s", name, a.code, a.body)
		}
	}
	rc.checkNoLeak(t, tok, bobTok, secret)
	on.CheckLogHasNo(t, tok, bobTok, secret)
	off.CheckLogHasNo(t, tok)
}
