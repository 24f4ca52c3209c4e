package auth0test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	formStateRe = regexp.MustCompile(`name="state" value="([^"]+)"`)
	userCodeRe  = regexp.MustCompile(`name="user_code" type="text" value="([^"]+)"`)
)

// AnswerDevice answers a device login (RFC 8628) on the tenant's activation
// page as the user's browser would, with its own cookie jar and the
// tenant's Origin: it opens verificationURIComplete, logs in as username
// with password, and answers the confirmation page that names the client and
// the scopes with "confirm" (approve) or "deny". It fails t when a page is
// not the one expected.
func (tt *Tenant) AnswerDevice(t testing.TB, verificationURIComplete, username, password string, approve bool) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	origin := strings.TrimSuffix(tt.URL, "/")
	page := browse(t, hc, http.MethodGet, verificationURIComplete, origin, nil)
	code := userCodeRe.FindStringSubmatch(page)
	if code == nil {
		t.Fatalf("auth0test: the activation page has no prefilled user code:\n%s", page)
	}
	confirm := browse(t, hc, http.MethodPost, tt.URL+"activate", origin, url.Values{
		"state": {formState(t, page)}, "user_code": {code[1]}, "username": {username}, "password": {password},
	})
	if !strings.Contains(confirm, `id="confirm"`) {
		t.Fatalf("auth0test: no confirmation page after entering the code:\n%s", confirm)
	}
	action, want := "deny", "cancelled"
	if approve {
		action, want = "confirm", "device is now connected"
	}
	done := browse(t, hc, http.MethodPost, tt.URL+"activate", origin, url.Values{"state": {formState(t, confirm)}, "action": {action}})
	if !strings.Contains(done, want) {
		t.Fatalf("auth0test: the activation did not end with %q:\n%s", want, done)
	}
}

// browse sends a browser's request and returns the page of a 200 answer.
func browse(t testing.TB, hc *http.Client, method, target, origin string, form url.Values) string {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatalf("auth0test: %v", err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
	}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatalf("auth0test: %s %s: %v", method, target, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("auth0test: %s %s: %d\n%s", method, target, res.StatusCode, b)
	}
	return string(b)
}

func formState(t testing.TB, page string) string {
	t.Helper()
	m := formStateRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("auth0test: no form state in the page:\n%s", page)
	}
	return m[1]
}
