package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/tenantprobe"
)

// stepUpPage is an SPA that logs in with PKCE, passing every parameter of
// its own ?login=1&… URL on to /authorize (the step-up's acr_values and
// max_age), then calls DELETE /api/messages/1 with the token, as an SPA
// would after a 401 challenge. It keeps the token in window.token for the
// test, and the API's answer in window.result.
const stepUpPage = `<!doctype html><html><body><pre id="out"></pre><script>
const tenant = %q, api = %q, clientID = %q, audience = %q;
const out = document.getElementById("out");
const b64url = b => btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const here = location.origin + location.pathname;
async function login(extra) {
	const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
	sessionStorage.setItem("verifier", verifier);
	const challenge = b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
	const q = new URLSearchParams({response_type: "code", client_id: clientID, redirect_uri: here, audience,
		scope: "openid profile email write:messages", state: "st", code_challenge: challenge, code_challenge_method: "S256"});
	for (const [k, v] of extra) q.set(k, v);
	location.assign(tenant + "authorize?" + q);
}
async function back(code) {
	const tr = await fetch(tenant + "oauth/token", {method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"},
		body: new URLSearchParams({grant_type: "authorization_code", client_id: clientID, code, redirect_uri: here,
			code_verifier: sessionStorage.getItem("verifier")})});
	window.token = (await tr.json()).access_token;
	const r = await fetch(api + "/api/messages/1", {method: "DELETE", headers: {Authorization: "Bearer " + window.token}});
	window.result = r.status + " " + await r.text();
	history.replaceState(null, "", here);
	out.textContent = "done";
}
const params = new URLSearchParams(location.search);
if (params.get("code")) { back(params.get("code")).catch(e => { out.textContent = "error: " + e; }); }
else if (params.has("login")) { params.delete("login"); login(params); }
</script></body></html>`

// TestStepUpBrowser walks RFC 9470's step-up dance in chromium: Alice
// logged in 10 minutes ago (password only: the tenant's clock is shifted),
// so DELETE /api/messages/1 answers 401 with the challenge; a new
// /authorize with its acr_values and max_age takes her through the
// password page (her tenant session is older than max_age) and the MFA
// code step, and the new token deletes.
func TestStepUpBrowser(t *testing.T) {
	chromium := findChromium(t)
	var shift atomic.Int64
	tn := auth0test.NewTenant(t, auth0test.WithClock(func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }))
	var page string
	spa := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))
	defer spa.Close()
	app := startExample(t, tenantEnv(tn, "SESSION_TRUSTED_ORIGINS", spa.URL))
	cfg := tn.Config()
	page = fmt.Sprintf(stepUpPage, tn.URL, app.URL, cfg.ClientID, cfg.Audience[0])
	spaURL := spa.URL + "/docs/oauth2-redirect.html" // a callback the SPA client allows
	alice := devtenant.Alice

	b := newBrowser(t, chromium, filepath.Join(artifactsDir(t), "step-up"))
	shift.Store(int64(-10 * time.Minute))
	b.step(t, b.ctx, "log in 10 minutes ago",
		chromedp.Navigate(spaURL+"?login=1"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), alice.Email),
		chromedp.SendKeys(chromedp.ID("password"), alice.Password))
	b.step(t, b.ctx, "submit the password", chromedp.Click(chromedp.ID("login")))
	b.waitFor(t, "back in the SPA", `!!document.getElementById("out") && document.getElementById("out").textContent !== ""`)
	shift.Store(0)
	if got := b.text(t, "SPA output", "#out"); got != "done" {
		t.Fatalf("the SPA says %q", got)
	}
	old := b.eval(t, "first token", `window.token`)
	inBrowser := b.eval(t, "first answer", `window.result`)
	b.screenshot(t, b.ctx, "challenged")

	// The challenge, as the API sends it and as the SPA read it.
	rc := newRecorder()
	a := rc.do(t, http.MethodDelete, app.URL+"/api/messages/1", map[string]string{"Authorization": "Bearer " + old})
	ch := a.h.Get("WWW-Authenticate")
	p := bearerParams(t, ch)
	if a.code != 401 || p["error"] != "insufficient_user_authentication" || p["max_age"] != "300" ||
		p["acr_values"] != "http://schemas.openid.net/pape/policies/2007/06/multi-factor" {
		t.Fatalf("the old login's delete: %d %q %s", a.code, ch, a.body)
	}
	status, body, _ := strings.Cut(inBrowser, " ")
	var seen struct {
		Error     string `json:"error"`
		ACRValues string `json:"acr_values"`
		MaxAge    int    `json:"max_age"`
	}
	if err := json.Unmarshal([]byte(body), &seen); err != nil || status != "401" || seen.Error != p["error"] ||
		seen.ACRValues != p["acr_values"] || fmt.Sprint(seen.MaxAge) != p["max_age"] {
		t.Errorf("the SPA's delete: %s (%v), want the challenge %q mirrored", inBrowser, err, ch)
	}

	// The step-up: the challenge's parameters, as they are, to /authorize.
	again := url.Values{"login": {"1"}, "acr_values": {p["acr_values"]}, "max_age": {p["max_age"]}}
	b.step(t, b.ctx, "log in again with the challenge's parameters",
		chromedp.Navigate(spaURL+"?"+again.Encode()),
		chromedp.WaitVisible(chromedp.ID("username")), // max_age: the 10-minute-old session does not do
		chromedp.SendKeys(chromedp.ID("username"), alice.Email),
		chromedp.SendKeys(chromedp.ID("password"), alice.Password))
	b.screenshot(t, b.ctx, "password-again")
	b.step(t, b.ctx, "submit the password", chromedp.Click(chromedp.ID("login")), chromedp.WaitVisible(chromedp.ID("code")))
	code := tenantprobe.MFACode(tn, alice.Email)
	if !regexp.MustCompile(`^[0-9]{6}$`).MatchString(code) {
		t.Fatalf("the MFA page is shown, and the tenant's code is %q", code)
	}
	b.step(t, b.ctx, "enter the one-time code", chromedp.SendKeys(chromedp.ID("code"), code))
	b.screenshot(t, b.ctx, "mfa")
	b.step(t, b.ctx, "submit the code", chromedp.Click(chromedp.ID("verify")))
	b.waitFor(t, "back in the SPA after the step-up", `location.search === "" && !!document.getElementById("out") && document.getElementById("out").textContent !== ""`)
	b.screenshot(t, b.ctx, "deleted")
	if got := b.text(t, "SPA output", "#out"); got != "done" {
		t.Fatalf("the SPA says %q after the step-up", got)
	}
	stepped := b.eval(t, "new token", `window.token`)
	if got := b.eval(t, "new answer", `window.result`); !strings.HasPrefix(got, "200 ") || !strings.Contains(got, alice.ID) {
		t.Errorf("the SPA's delete after the step-up: %s", got)
	}
	if a := rc.do(t, http.MethodDelete, app.URL+"/api/messages/1", map[string]string{"Authorization": "Bearer " + stepped}); a.code != 200 {
		t.Errorf("the new token's delete: %d %s", a.code, a.body)
	}
	app.CheckLogHasNo(t, old, stepped, code)
	rc.checkNoLeak(t, old, stepped)
}

// bearerParams reads the auth-params of a Bearer challenge (quoted strings
// without escapes, or tokens such as max_age=300).
func bearerParams(t *testing.T, h string) map[string]string {
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
