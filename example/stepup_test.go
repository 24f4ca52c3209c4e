package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/tenantprobe"
)

// mfaACR is the acr Auth0 (and the dev tenant) understands as "log in with
// MFA": what a challenge for AuthContext("mfa") asks for.
const mfaACR = "http://schemas.openid.net/pape/policies/2007/06/multi-factor"

// shiftedClock is a clock a test moves: the tenant's, so that a login
// happens "10 minutes ago" while the app keeps the real time.
type shiftedClock struct{ by atomic.Int64 }

func (c *shiftedClock) Now() time.Time          { return time.Now().Add(time.Duration(c.by.Load())) }
func (c *shiftedClock) set(shift time.Duration) { c.by.Store(int64(shift)) }

// callback is where the tenant sends the SPA client's logins: any loopback
// port is allowed, and nothing listens there (the login stops at the redirect).
const callback = "http://127.0.0.1:9/docs/oauth2-redirect.html"

var formStateRe = regexp.MustCompile(`name="state" value="([^"]+)"`)

// tenantBrowser goes through the tenant's login pages as a browser without
// JavaScript would: its cookie jar keeps the tenant's session between logins.
type tenantBrowser struct {
	t      *testing.T
	tenant *auth0test.Tenant
	hc     *http.Client
	steps  []string // the pages the last login went through: "password", "mfa"
}

func newTenantBrowser(t *testing.T, tenant *auth0test.Tenant) *tenantBrowser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &tenantBrowser{t: t, tenant: tenant, hc: &http.Client{
		Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(req *http.Request, _ []*http.Request) error {
			if strings.HasPrefix(req.URL.String(), callback) {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}}
}

// login logs email in through /authorize (implicit, SPA client, the
// example's API) with the extra parameters, answers the password and MFA
// pages the tenant shows (the code read as the tenant logs it), and returns
// the access token.
func (b *tenantBrowser) login(email, password string, extra url.Values) string {
	b.t.Helper()
	q := url.Values{
		"response_type": {"token"}, "client_id": {devtenant.SPAClient.ID}, "redirect_uri": {callback},
		"audience": {devtenant.Audience}, "scope": {"openid profile email read:messages write:messages"}, "state": {"st"},
	}
	for k, v := range extra {
		q[k] = v
	}
	b.steps = nil
	res := b.send(http.MethodGet, b.tenant.URL+"authorize?"+q.Encode(), nil)
	for range 4 {
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		page := string(body)
		switch {
		case res.StatusCode == http.StatusFound:
			loc, err := url.Parse(res.Header.Get("Location"))
			if err != nil {
				b.t.Fatal(err)
			}
			got, _ := url.ParseQuery(loc.Fragment)
			if got.Get("access_token") == "" {
				b.t.Fatalf("the login ended without a token: %s", loc)
			}
			return got.Get("access_token")
		case res.StatusCode == http.StatusOK && strings.Contains(page, `id="code"`):
			b.steps = append(b.steps, "mfa")
			code := tenantprobe.MFACode(b.tenant, email)
			if code == "" {
				b.t.Fatal("the MFA page is shown but the tenant has no code waiting")
			}
			res = b.send(http.MethodPost, b.tenant.URL+"u/mfa-otp-challenge", url.Values{"state": {b.state(page)}, "code": {code}})
		case res.StatusCode == http.StatusOK && strings.Contains(page, `id="username"`):
			b.steps = append(b.steps, "password")
			res = b.send(http.MethodPost, b.tenant.URL+"u/login", url.Values{
				"state": {b.state(page)}, "username": {email}, "password": {password}, "action": {"default"},
			})
		default:
			b.t.Fatalf("unexpected answer in the login (after %v): %d %s", b.steps, res.StatusCode, page)
		}
	}
	b.t.Fatalf("the login did not end (%v)", b.steps)
	return ""
}

func (b *tenantBrowser) send(method, target string, form url.Values) *http.Response {
	b.t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", strings.TrimSuffix(b.tenant.URL, "/"))
	}
	res, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, target, err)
	}
	return res
}

func (b *tenantBrowser) state(page string) string {
	b.t.Helper()
	m := formStateRe.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("no form state in the page:\n%s", page)
	}
	return m[1]
}

// answer is what the app answered: status, headers, body.
type answer struct {
	code int
	h    http.Header
	body map[string]any
	raw  string
}

// send calls the app in process with a bearer token or a session cookie
// ("Cookie: ..." in place of the token).
func send(t *testing.T, h http.Handler, method, path, credential string) answer {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	switch {
	case strings.HasPrefix(credential, "Cookie: "):
		req.Header.Set("Cookie", strings.TrimPrefix(credential, "Cookie: "))
	case credential != "":
		req.Header.Set("Authorization", "Bearer "+credential)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	a := answer{code: w.Code, h: w.Header(), raw: w.Body.String()}
	_ = json.Unmarshal(w.Body.Bytes(), &a.body)
	return a
}

// challengeParams reads the auth-params of a Bearer challenge (RFC 6750 §3:
// quoted strings without escapes, or tokens such as max_age=300).
func challengeParams(t *testing.T, h string) map[string]string {
	t.Helper()
	rest, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		t.Fatalf("not a Bearer challenge: %q", h)
	}
	out := map[string]string{}
	re := regexp.MustCompile(`^\s*([a-z_]+)=(?:"([^"]*)"|([^\s,]+))\s*(?:,|$)`)
	for rest != "" {
		m := re.FindStringSubmatch(rest)
		if m == nil {
			t.Fatalf("cannot read the challenge at %q (whole: %q)", rest, h)
		}
		out[m[1]] = m[2] + m[3]
		rest = rest[len(m[0]):]
	}
	return out
}

// checkChallenge checks a step-up refusal of the 5-minute MFA route: RFC
// 9470's 401 with the same parameters in the header and the body, and
// returns them as /authorize takes them.
func checkChallenge(t *testing.T, a answer) url.Values {
	t.Helper()
	if a.code != http.StatusUnauthorized {
		t.Fatalf("want 401, got %d %s", a.code, a.raw)
	}
	p := challengeParams(t, a.h.Get("WWW-Authenticate"))
	if p["error"] != "insufficient_user_authentication" || p["acr_values"] != mfaACR || p["max_age"] != "300" || p["realm"] == "" {
		t.Errorf("challenge %q", a.h.Get("WWW-Authenticate"))
	}
	if a.body["error"] != p["error"] || a.body["acr_values"] != p["acr_values"] || a.body["max_age"] != float64(300) ||
		a.body["error_description"] != p["error_description"] {
		t.Errorf("the body does not mirror the challenge: %s", a.raw)
	}
	return url.Values{"acr_values": {p["acr_values"]}, "max_age": {p["max_age"]}}
}

// TestStepUpChallengeLeadsToAPassingToken is the step-up dance without a
// browser: Alice logged in 10 minutes ago (password only) and is refused
// the delete with RFC 9470's challenge; a new /authorize with the
// challenge's acr_values and max_age takes her through the password page
// (her session is older than max_age) and the MFA step, and the new token
// passes. A recent login without MFA goes through the MFA step alone.
func TestStepUpChallengeLeadsToAPassingToken(t *testing.T) {
	var clock shiftedClock
	tenant, h := appWith(t, nil, auth0test.WithClock(clock.Now))
	alice := devtenant.Alice

	b := newTenantBrowser(t, tenant)
	clock.set(-10 * time.Minute)
	old := b.login(alice.Email, alice.Password, nil)
	if got := strings.Join(b.steps, ","); got != "password" {
		t.Fatalf("a plain login went through %q", got)
	}
	clock.set(0)
	params := checkChallenge(t, send(t, h, http.MethodDelete, "/api/messages/1", old))

	stepped := b.login(alice.Email, alice.Password, params)
	if got := strings.Join(b.steps, ","); got != "password,mfa" {
		t.Errorf("the step-up login of a 10-minute-old session went through %q, want password,mfa", got)
	}
	if a := send(t, h, http.MethodDelete, "/api/messages/1", stepped); a.code != http.StatusOK || a.body["id"] != "1" {
		t.Fatalf("after the step-up: %d %s", a.code, a.raw)
	} else if u, _ := a.body["user"].(map[string]any); u["id"] != alice.ID {
		t.Errorf("deleted by %v", a.body["user"])
	}
	// Within the 5 minutes, the tenant's session answers at once (no page),
	// and its token still passes.
	again := b.login(alice.Email, alice.Password, params)
	if len(b.steps) != 0 {
		t.Errorf("a second step-up within max_age went through %v", b.steps)
	}
	if a := send(t, h, http.MethodDelete, "/api/messages/2", again); a.code != http.StatusOK {
		t.Errorf("the session's token: %d %s", a.code, a.raw)
	}

	// A fresh login without MFA: the challenge is the same (every parameter
	// of the route), and the tenant asks for the code only.
	fresh := newTenantBrowser(t, tenant)
	weak := fresh.login(alice.Email, alice.Password, nil)
	params = checkChallenge(t, send(t, h, http.MethodDelete, "/api/messages/1", weak))
	strong := fresh.login(alice.Email, alice.Password, params)
	if got := strings.Join(fresh.steps, ","); got != "mfa" {
		t.Errorf("the step-up of a recent session went through %q, want mfa", got)
	}
	if a := send(t, h, http.MethodDelete, "/api/messages/1", strong); a.code != http.StatusOK {
		t.Errorf("after the MFA step: %d %s", a.code, a.raw)
	}

	// Bob logs in with MFA but holds no write:messages: 403, never a
	// challenge (a new login cannot grant a permission).
	bob := newTenantBrowser(t, tenant).login(devtenant.Bob.Email, devtenant.Bob.Password, params)
	if a := send(t, h, http.MethodDelete, "/api/messages/1", bob); a.code != http.StatusForbidden || a.body["error"] != "insufficient_scope" {
		t.Errorf("bob: %d %s", a.code, a.raw)
	}
}

// TestStepUpDocumented: the served docs state the delete's step-up and the
// organization route's requirement, from the code.
func TestStepUpDocumented(t *testing.T) {
	_, h := app(t)
	a := send(t, h, http.MethodGet, "/docs/doc.json", "")
	var doc struct {
		Paths map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(a.raw), &doc); err != nil {
		t.Fatal(err)
	}
	del := doc.Paths["/api/messages/{id}"]["delete"]
	stepUp, _ := del["x-auth0-step-up"].(map[string]any)
	if stepUp["max_age"] != float64(300) || stepUp["acr_values"] != mfaACR {
		t.Errorf("x-auth0-step-up of the delete: %v", del["x-auth0-step-up"])
	}
	org, _ := doc.Paths["/api/orgs/{org}/messages"]["get"]["x-auth0-organization"].(map[string]any)
	if org["parameter"] != "org" {
		t.Errorf("x-auth0-organization of the organization route: %v", org)
	}
}

// TestSessionStepUp: a session made from a login 10 minutes old is
// challenged on the 5-minute route through its cookie alone, as its token
// would be; a session made after the step-up passes.
func TestSessionStepUp(t *testing.T) {
	var clock shiftedClock
	tenant, h := appWith(t, nil, auth0test.WithClock(clock.Now))
	b := newTenantBrowser(t, tenant)
	clock.set(-10 * time.Minute)
	// MFA 10 minutes ago: only the age fails.
	old := b.login(devtenant.Alice.Email, devtenant.Alice.Password, url.Values{"acr_values": {mfaACR}})
	clock.set(0)
	sessionOf := func(token string) string {
		t.Helper()
		a := send(t, h, http.MethodPost, "/auth/session", token)
		if a.code != http.StatusOK {
			t.Fatalf("POST /auth/session: %d %s", a.code, a.raw)
		}
		for _, c := range (&http.Response{Header: a.h}).Cookies() {
			return "Cookie: " + c.Name + "=" + c.Value
		}
		t.Fatalf("no session cookie: %v", a.h)
		return ""
	}
	bySession := send(t, h, http.MethodDelete, "/api/messages/1", sessionOf(old))
	params := checkChallenge(t, bySession)
	if byToken := send(t, h, http.MethodDelete, "/api/messages/1", old); byToken.h.Get("WWW-Authenticate") != bySession.h.Get("WWW-Authenticate") || byToken.raw != bySession.raw {
		t.Errorf("the session's challenge %q %s differs from its token's %q %s",
			bySession.h.Get("WWW-Authenticate"), bySession.raw, byToken.h.Get("WWW-Authenticate"), byToken.raw)
	}
	if got := bySession.body["error_description"]; !strings.Contains(got.(string), "300 seconds") {
		t.Errorf("the session is challenged for %q, want its age", got)
	}
	stepped := b.login(devtenant.Alice.Email, devtenant.Alice.Password, params)
	if a := send(t, h, http.MethodDelete, "/api/messages/1", sessionOf(stepped)); a.code != http.StatusOK {
		t.Errorf("the session after the step-up: %d %s", a.code, a.raw)
	}
}
