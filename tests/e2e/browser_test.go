package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/testutil"
)

// Timeouts of the browser test: one for the whole browser, one per step.
const (
	browserTimeout = 4 * time.Minute
	stepTimeout    = 45 * time.Second
)

// TestSwaggerUILogin logs in through Swagger UI in a real browser, once per
// OAuth2 scheme of the spec (implicit, and authorization code with PKCE): it
// opens the example, presses Authorize, logs in as alice on the dev tenant's
// page in the popup, comes back, and calls the scoped route with "Try it
// out". Screenshots of each step are saved for people to look at.
func TestSwaggerUILogin(t *testing.T) {
	chromium := findChromium(t)
	app := startExample(t, map[string]string{"DEVTENANT_ADDR": "127.0.0.1:0"})
	artifacts := artifactsDir(t)
	var tokens []string
	alice := user{devtenant.Alice.Email, devtenant.Alice.Password, "200"}
	for _, scheme := range []string{"Auth0ImplicitBearer", "Auth0PKCE"} {
		t.Run(scheme, func(t *testing.T) {
			b := newBrowser(t, chromium, filepath.Join(artifacts, scheme))
			tokens = append(tokens, b.loginAndCall(t, app, scheme, alice))
		})
	}
	// bob holds no permission: his token is valid, the scoped route says 403.
	t.Run("Auth0PKCE as bob", func(t *testing.T) {
		b := newBrowser(t, chromium, filepath.Join(artifacts, "Auth0PKCE-bob"))
		tokens = append(tokens, b.loginAndCall(t, app, "Auth0PKCE", user{devtenant.Bob.Email, devtenant.Bob.Password, "403"}))
	})
	app.CheckLogHasNo(t, tokens...)
}

// findChromium returns the path of the browser, skipping the test when there
// is none, except in CI, where the test must run.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium found, and CI is set: the browser test must run in CI (apt-get install chromium)")
	}
	t.Skip("no chromium found: install it (apt-get install chromium) to run the Swagger UI browser test")
	return ""
}

// artifactsDir is where screenshots go: $AUTH0GIN_ARTIFACTS, or a temporary directory.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("AUTH0GIN_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("creating the artefacts directory: %v", err)
	}
	return dir
}

// browser is a headless chromium with a fresh profile, and its first tab.
type browser struct {
	ctx   context.Context // the tab
	dir   string          // where its screenshots go
	shots int
	out   *testutil.SyncBuffer // chromium's own output, shown on failure
}

func newBrowser(t *testing.T, chromium, dir string) *browser {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	profile, err := os.MkdirTemp("", "auth0gin-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{dir: dir, out: &testutil.SyncBuffer{}}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox, // root in containers; the pages are our own
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 1400),
		chromedp.CombinedOutput(b.out),
	)
	bctx, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(bctx, opts...)
	ctx, cancelTab := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
		_ = os.RemoveAll(profile)
		if t.Failed() {
			out := b.out.String()
			t.Logf("chromium's output (last 4 KB):\n%s", out[max(0, len(out)-4096):])
		}
	})
	// The first Run starts the browser and must have no timeout of its own:
	// the browser lives as long as its context (bounded by browserTimeout).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	b.ctx = ctx
	return b
}

// step runs actions on ctx within stepTimeout; on failure it saves a
// screenshot of the tab and fails the test.
func (b *browser) step(t *testing.T, ctx context.Context, name string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		b.screenshot(t, ctx, "failed-"+name)
		t.Fatalf("%s: %v", name, err)
	}
}

// screenshot saves a full-page PNG of the tab of ctx.
func (b *browser) screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	b.shots++
	path := filepath.Join(b.dir, fmt.Sprintf("%02d-%s.png", b.shots, name))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Errorf("saving screenshot: %v", err)
		return
	}
	t.Logf("screenshot: %s", path)
}

// text reads the text of the element sel finds.
func (b *browser) text(t *testing.T, name, sel string) string {
	t.Helper()
	sctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(sctx, chromedp.Text(sel, chromedp.NodeVisible))
	if err != nil {
		b.screenshot(t, b.ctx, "failed-"+name)
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

// XPath selectors into Swagger UI's page. Each OAuth2 scheme is a <div>
// whose <h4> starts with its name: "Auth0PKCE (OAuth2, authorizationCode with PKCE)".
func schemeBox(scheme string) string {
	return fmt.Sprintf(`//div[h4[starts-with(normalize-space(.), "%s (OAuth2")]]`, scheme)
}

const scopedOp = `//div[contains(concat(" ", @class, " "), " opblock ")][.//*[@data-path="/api/private-scoped"]]`

// user is who logs in, and the status the scoped route must answer.
type user struct{ email, password, status string }

// loginAndCall does the whole flow for one scheme and returns the access
// token Swagger UI sent.
func (b *browser) loginAndCall(t *testing.T, app *app, scheme string, who user) string {
	box := schemeBox(scheme)
	b.step(t, b.ctx, "open the example",
		recordCSPViolations(),
		chromedp.Navigate(app.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(".scheme-container .btn.authorize")),
		chromedp.WaitVisible(scopedOp),
		// the lock comes from the route's RequireScopes: the annotations have no @Security
		chromedp.WaitVisible(scopedOp+`//button[contains(@class, "authorization__btn")]`))
	b.screenshot(t, b.ctx, "docs")

	b.step(t, b.ctx, "open the Authorize dialog",
		chromedp.Click(chromedp.CSS(".scheme-container .btn.authorize")),
		chromedp.WaitVisible(box))
	if title := b.text(t, "scheme title", box+"/h4"); scheme == "Auth0PKCE" && !strings.Contains(title, "with PKCE") {
		t.Errorf("the PKCE scheme is shown as %q: PKCE is not on", title)
	}
	b.step(t, b.ctx, "select all scopes",
		chromedp.Click(box+`//a[normalize-space(.)="select all"]`),
		waitTrue(fmt.Sprintf(`[...document.querySelectorAll('input[data-value="read:messages"]')].some(e => e.id.endsWith("-checkbox-%s") && e.checked)`, scheme)))
	b.screenshot(t, b.ctx, "authorize-dialog")

	// The login opens in a popup: a new target the tab opened.
	authorizeURLs := make(chan string, 1)
	popups := chromedp.WaitNewTarget(b.ctx, func(info *target.Info) bool {
		if info.Type != "page" || !strings.Contains(info.URL, "/authorize") {
			return false
		}
		select {
		case authorizeURLs <- info.URL:
		default:
		}
		return true
	})
	b.step(t, b.ctx, "press Authorize", chromedp.Click(box+`//button[normalize-space(.)="Authorize"]`))
	var popupID target.ID
	select {
	case id, ok := <-popups:
		if !ok {
			t.Fatal("the tab is gone while waiting for the login popup")
		}
		popupID = id
	case <-time.After(stepTimeout):
		b.screenshot(t, b.ctx, "failed-no-popup")
		t.Fatal("no login popup opened")
	}
	checkAuthorizeRequest(t, scheme, <-authorizeURLs)
	popup, cancelPopup := chromedp.NewContext(b.ctx, chromedp.WithTargetID(popupID))
	defer cancelPopup()
	if err := chromedp.Do(popup); err != nil { // attach, with no timeout: see newBrowser
		t.Fatalf("attaching to the login popup: %v", err)
	}
	b.step(t, popup, "fill in the login page",
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), who.email),
		chromedp.SendKeys(chromedp.ID("password"), who.password))
	b.screenshot(t, popup, "login-page")
	b.step(t, popup, "log in", chromedp.Click(chromedp.ID("login")))

	// The popup returns to oauth2-redirect.html, hands the result to the
	// opener and closes itself.
	b.waitAuthorized(t, scheme)
	b.step(t, b.ctx, "see Logout", chromedp.WaitVisible(box+`//button[normalize-space(.)="Logout"]`))
	b.screenshot(t, b.ctx, "authorized")
	b.step(t, b.ctx, "close the dialog",
		chromedp.Click(box+`//button[normalize-space(.)="Close"]`),
		chromedp.WaitNotPresent(chromedp.CSS(".modal-ux")))

	b.step(t, b.ctx, "try the scoped route",
		chromedp.Click(scopedOp+`//button[contains(@class, "opblock-summary-control")]`),
		chromedp.Click(scopedOp+`//button[contains(@class, "try-out__btn")]`),
		chromedp.Click(scopedOp+`//button[contains(@class, "execute")]`),
		chromedp.WaitVisible(scopedOp+`//table[contains(@class, "live-responses-table")]//td[contains(@class, "response-col_status")]`),
		chromedp.ScrollIntoView(scopedOp+`//table[contains(@class, "live-responses-table")]`))
	status := b.text(t, "response status", scopedOp+`//table[contains(@class, "live-responses-table")]//tr[@class="response"]/td[contains(@class, "response-col_status")]`)
	details := b.text(t, "response body", scopedOp+`//table[contains(@class, "live-responses-table")]//tr[@class="response"]/td[contains(@class, "response-col_description")]`)
	b.screenshot(t, b.ctx, "response")
	if !strings.HasPrefix(strings.TrimSpace(status), who.status) {
		t.Errorf("%s: status %q, want %s; details:\n%s", who.email, status, who.status, details)
	}
	switch who.status {
	case "200":
		if !strings.Contains(details, who.email) || !strings.Contains(details, devtenant.Alice.ID) {
			t.Errorf("the response does not show alice:\n%s", details)
		}
	case "403":
		if !strings.Contains(details, "insufficient_scope") {
			t.Errorf("the 403 does not say insufficient_scope:\n%s", details)
		}
	}

	b.checkNoCSPViolations(t)

	curl := b.text(t, "curl command", scopedOp+`//*[contains(@class, "curl-command")]`)
	_, token, ok := strings.Cut(curl, "Bearer ") // the header is shown as "authorization: Bearer …"
	token, _, _ = strings.Cut(token, "'")
	if !ok || strings.Count(token, ".") != 2 {
		t.Errorf("Swagger UI sent no bearer token:\n%s", curl)
	}
	return token
}

// checkAuthorizeRequest checks the /authorize request Swagger UI opened in
// the popup: the PKCE scheme must use the code flow with an S256 challenge
// (the dev tenant refuses a public client's code flow without one).
func checkAuthorizeRequest(t *testing.T, scheme, raw string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("popup URL %q: %v", raw, err)
	}
	q := u.Query()
	t.Logf("%s: /authorize with response_type=%s code_challenge_method=%s", scheme, q.Get("response_type"), q.Get("code_challenge_method"))
	switch scheme {
	case "Auth0PKCE":
		if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 {
			t.Errorf("the PKCE login did not send an S256 challenge: %s", raw)
		}
	default:
		if q.Get("response_type") != "token" {
			t.Errorf("the implicit login asked for %q", q.Get("response_type"))
		}
	}
	if q.Get("audience") == "" || q.Get("client_id") == "" {
		t.Errorf("the login carries no audience or client_id: %s", raw)
	}
}

// waitAuthorized waits until Swagger UI shows the scheme as authorized, and
// fails with the error it shows instead, if any (a failed token request, a
// wrong state, ...).
func (b *browser) waitAuthorized(t *testing.T, scheme string) {
	t.Helper()
	expr := fmt.Sprintf(`(() => {
		const h = [...document.querySelectorAll(".modal-ux h4")].find(h => h.textContent.trim().startsWith(%q));
		if (!h) return "";
		const box = h.parentElement;
		if ([...box.querySelectorAll("h6")].some(e => e.textContent.trim() === "Authorized")) return "authorized";
		const err = box.querySelector(".errors");
		return err ? "Swagger UI shows an error: " + err.innerText : "";
	})()`, scheme+" (OAuth2")
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	got, err := chromedp.Run(ctx, chromedp.Poll[string](expr))
	if err != nil || got != "authorized" {
		b.screenshot(t, b.ctx, "failed-authorize")
		hint := ""
		if strings.Contains(got, "Failed to fetch") {
			hint = " (the browser could not call the token URL: check the tenant's CORS answer, which must allow the X-Requested-With and Content-Type headers Swagger UI sends)"
		}
		t.Fatalf("coming back from the login: %q %v%s", got, err, hint)
	}
}

// recordCSPViolations makes every document of the tab collect the
// Content-Security-Policy violations it sees in window.__cspViolations.
func recordCSPViolations() chromedp.Action[chromedp.Void] {
	const js = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", e => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));`
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: js})
		return err
	})
}

// checkNoCSPViolations fails when Swagger UI's page broke its own
// Content-Security-Policy: the UI works under it, or the policy is wrong.
func (b *browser) checkNoCSPViolations(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__cspViolations || ["not recorded"]`))
	if err != nil || len(got) > 0 {
		t.Errorf("CSP violations on the docs page: %v %v", got, err)
	}
}

// waitTrue waits until a JavaScript expression is true.
func waitTrue(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](expr)(ctx, t)
		return err
	})
}
