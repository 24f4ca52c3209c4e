package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// spaPage is a single-page app as a bundler would build one, reduced to what
// the test needs: it logs in with PKCE, trades the access token for a session
// cookie, and from then on calls the API with the cookie alone. It is served
// at the path the dev tenant's SPA client allows as a callback.
const spaPage = `<!doctype html><html><body><pre id="out"></pre><script>
const tenant = %q, api = %q, clientID = %q, audience = %q;
const out = document.getElementById("out");
const b64url = b => btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const here = location.origin + location.pathname;
async function login() {
	const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
	sessionStorage.setItem("verifier", verifier);
	const challenge = b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
	const q = new URLSearchParams({response_type: "code", client_id: clientID, redirect_uri: here, audience,
		scope: "openid profile email read:messages", state: "st", code_challenge: challenge, code_challenge_method: "S256"});
	location.assign(tenant + "authorize?" + q);
}
async function back(code) {
	const tr = await fetch(tenant + "oauth/token", {method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"},
		body: new URLSearchParams({grant_type: "authorization_code", client_id: clientID, code, redirect_uri: here,
			code_verifier: sessionStorage.getItem("verifier")})});
	const token = (await tr.json()).access_token;
	// The token goes to the API once; the page keeps it nowhere.
	const s = await fetch(api + "/auth/session", {method: "POST", credentials: "include", headers: {Authorization: "Bearer " + token}});
	window.sessionStatus = s.status;
	const r = await fetch(api + "/api/private-scoped", {credentials: "include"});
	window.scoped = r.status + " " + await r.text();
	history.replaceState(null, "", here);
	out.textContent = "done";
}
window.logoutAndCall = async () => {
	const l = await fetch(api + "/auth/logout", {method: "POST", credentials: "include"});
	const r = await fetch(api + "/api/private-scoped", {credentials: "include"});
	return l.status + " " + r.status;
};
const params = new URLSearchParams(location.search);
if (params.get("code")) { back(params.get("code")).catch(e => { out.textContent = "error: " + e; }); }
else if (!params.has("idle")) { login(); }
</script></body></html>`

// evilPage is a page of an origin the API does not trust: a form that posts
// to the keep-alive with the browser's cookie.
const evilPage = `<!doctype html><html><body>
<form id="f" method="POST" action="%s/auth/ping"><button id="go" type="submit">win a prize</button></form>
</body></html>`

// TestSessionBrowser: an SPA on another origin logs in through the dev
// tenant with PKCE, trades the token for a session, and calls the scoped
// route with the cookie alone; a form of an untrusted origin gets 403
// csrf_rejected; after logout the cookie gets 401.
func TestSessionBrowser(t *testing.T) {
	chromium := findChromium(t)
	tn := auth0test.NewTenant(t)
	var spaHTML string
	spa := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, spaHTML)
	}))
	defer spa.Close()
	var evilHTML string
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, evilHTML)
	}))
	defer evil.Close()
	app := startExample(t, tenantEnv(tn, "SESSION_TRUSTED_ORIGINS", spa.URL))
	cfg := tn.Config()
	spaHTML = fmt.Sprintf(spaPage, tn.URL, app.URL, cfg.ClientID, cfg.Audience[0])
	evilHTML = fmt.Sprintf(evilPage, app.URL)

	b := newBrowser(t, chromium, filepath.Join(artifactsDir(t), "session"))
	b.step(t, b.ctx, "open the SPA and reach the login page",
		chromedp.Navigate(spa.URL+"/docs/oauth2-redirect.html"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), devtenant.Alice.Email),
		chromedp.SendKeys(chromedp.ID("password"), devtenant.Alice.Password))
	b.step(t, b.ctx, "log in", chromedp.Click(chromedp.ID("login")))
	b.waitFor(t, "back in the SPA", `!!document.getElementById("out") && document.getElementById("out").textContent !== ""`)
	b.screenshot(t, b.ctx, "spa")
	if got := b.text(t, "SPA output", "#out"); got != "done" {
		t.Fatalf("the SPA says %q", got)
	}
	status := b.eval(t, "session status", `String(window.sessionStatus)`)
	scoped := b.eval(t, "scoped answer", `window.scoped`)
	if status != "200" || !strings.HasPrefix(scoped, "200 ") || !strings.Contains(scoped, devtenant.Alice.Email) {
		t.Fatalf("session login %s; scoped route with the cookie: %s", status, scoped)
	}

	// The cookie as the browser holds it (HttpOnly: only the protocol can read it).
	jar, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{app.URL + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	var sid string
	for _, c := range jar.Cookies {
		if c.Name == "auth0gin_session" {
			sid = c.Value
			if !c.HTTPOnly || c.SameSite != network.CookieSameSiteLax {
				t.Errorf("cookie as stored: %+v", c)
			}
		}
	}
	if sid == "" {
		t.Fatalf("the browser holds no session cookie: %+v", jar.Cookies)
	}

	b.step(t, b.ctx, "an untrusted origin's form posts to the keep-alive",
		chromedp.Navigate(evil.URL+"/"),
		chromedp.Click(chromedp.ID("go")))
	b.waitFor(t, "the form's answer", `location.pathname === "/auth/ping" && document.readyState === "complete"`)
	b.screenshot(t, b.ctx, "csrf")
	refused := b.eval(t, "form answer", `document.body.innerText`)
	if !strings.Contains(refused, `"csrf_rejected"`) {
		t.Errorf("the cross-origin form got %q, want csrf_rejected", refused)
	}
	rc := newRecorder()
	if r := rc.do(t, "GET", app.URL+"/api/private-scoped", cookie(sid)); r.code != 200 {
		t.Fatalf("the refused form ended the session: %d", r.code)
	}

	b.step(t, b.ctx, "back to the SPA", chromedp.Navigate(spa.URL+"/docs/oauth2-redirect.html?idle=1"), waitTrue(`typeof window.logoutAndCall === "function"`))
	if got := b.evalAwait(t, "logout", `window.logoutAndCall()`); got != "204 401" {
		t.Errorf("logout then scoped call: %q, want 204 401", got)
	}
	if r := rc.do(t, "GET", app.URL+"/api/private-scoped", cookie(sid)); r.code != 401 {
		t.Errorf("the cookie after logout: %d %s", r.code, r.body)
	}
	app.CheckLogHasNo(t, sid)
	rc.checkNoLeak(t, sid)
}

// waitFor polls a JavaScript condition across navigations (an evaluation
// that a navigation interrupts is retried) until it holds.
func (b *browser) waitFor(t *testing.T, name, expr string) {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.screenshot(t, b.ctx, "failed-"+name)
			ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
			where, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + " " + document.readyState + " " + (document.body ? document.body.innerText : "")`))
			cancel()
			t.Fatalf("%s: %q never held (last error %v); the page: %s", name, expr, err, where)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// eval evaluates a JavaScript expression to a string.
func (b *browser) eval(t *testing.T, name, expr string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.screenshot(t, b.ctx, "failed-"+name)
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

// evalAwait evaluates an expression that gives a promise of a string.
func (b *browser) evalAwait(t *testing.T, name, expr string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.screenshot(t, b.ctx, "failed-"+name)
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

// TestSessionBrowserCookieTossing (issue 23, finding 2): Alice holds a
// session in a real browser; a sibling site (another port of the host:
// cookies know no ports, as a sibling subdomain's Domain=parent cookie
// knows no subdomain) plants Bob's session cookie with a longer Path, which
// the browser then sends before Alice's own. The API must refuse the
// request (401), never act as Bob; once the planted cookie is gone, Alice's
// works again. On plain-http loopback the cookie keeps its development name,
// the one the sibling can plant; over https its __Host- name stops the
// plant in the browser itself (TestCookieName in package session).
func TestSessionBrowserCookieTossing(t *testing.T) {
	chromium := findChromium(t)
	tn := auth0test.NewTenant(t)
	app := startExample(t, tenantEnv(tn))
	sibling := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html><body>a sibling site</body></html>`)
	}))
	defer sibling.Close()

	// The attacker logs in to their own account and keeps its cookie.
	rc := newRecorder()
	bob := rc.login(t, app, tn.Token(t, auth0test.User(devtenant.Bob.Email)))
	alice := tn.Token(t, auth0test.User(devtenant.Alice.Email))

	b := newBrowser(t, chromium, filepath.Join(artifactsDir(t), "tossing"))
	call := `fetch("/api/private", {credentials: "include"}).then(async r => r.status + " " + await r.text())`
	b.step(t, b.ctx, "open the app", chromedp.Navigate(app.URL+"/api/public"))
	if got := b.evalAwait(t, "Alice logs in", fmt.Sprintf(`fetch("/auth/session", {method: "POST", credentials: "include",
		headers: {Authorization: "Bearer " + %q}}).then(r => String(r.status))`, alice)); got != "200" {
		t.Fatalf("Alice's login: %s", got)
	}
	if got := b.evalAwait(t, "Alice's call", call); !strings.HasPrefix(got, "200 ") || !strings.Contains(got, devtenant.Alice.Email) {
		t.Fatalf("Alice's call before the plant: %s", got)
	}

	b.step(t, b.ctx, "open the sibling site", chromedp.Navigate(sibling.URL+"/"))
	b.eval(t, "the sibling site plants Bob's cookie",
		fmt.Sprintf(`document.cookie = "auth0gin_session=%s; Path=/api; SameSite=Lax"`, bob))
	jar, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{app.URL + "/api/private"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(jar.Cookies); n != 2 {
		t.Fatalf("the browser holds %d cookies for the app, want Alice's and the planted one: %+v", n, jar.Cookies)
	}

	b.step(t, b.ctx, "back to the app", chromedp.Navigate(app.URL+"/api/public"))
	got := b.evalAwait(t, "the call with both cookies", call)
	b.screenshot(t, b.ctx, "tossed")
	if strings.Contains(got, devtenant.Bob.Email) || !strings.HasPrefix(got, "401 ") || !strings.Contains(got, "different users") {
		t.Errorf("with Bob's cookie planted, Alice's call got %q, want 401 naming different users", got)
	}
	b.step(t, b.ctx, "a top-level navigation with both cookies", chromedp.Navigate(app.URL+"/api/private"))
	if page := b.eval(t, "the page", `document.body.innerText`); strings.Contains(page, devtenant.Bob.Email) || !strings.Contains(page, "invalid_token") {
		t.Errorf("navigating with Bob's cookie planted shows %q", page)
	}

	// The planted cookie gone, Alice's session is untouched.
	if _, err := chromedp.Call(b.ctx, network.DeleteCookies, network.DeleteCookiesParams{Name: "auth0gin_session", URL: app.URL + "/api/private", Path: "/api"}); err != nil {
		t.Fatal(err)
	}
	b.step(t, b.ctx, "back to the app", chromedp.Navigate(app.URL+"/api/public"))
	if got := b.evalAwait(t, "Alice's call after", call); !strings.HasPrefix(got, "200 ") || !strings.Contains(got, devtenant.Alice.Email) {
		t.Errorf("Alice's call after the planted cookie is gone: %s", got)
	}
	rc.checkNoLeak(t, bob)
}
