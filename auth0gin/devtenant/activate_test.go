package devtenant_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// #11.4: entering a code only leads to a confirmation page that names the
// client and the scopes; the device is approved by its answer. Before the
// fix the first post approved the device at once, with no consent screen.
func TestActivationConfirmationPage(t *testing.T) {
	e := newEnv(t)
	d := e.deviceCode(t)
	b := e.browser(t)
	page := b.get(t, d.str("verification_uri"))
	confirm := b.postForm(t, e.url+"activate", url.Values{"state": {formState(t, page.body)}, "user_code": {d.str("user_code")},
		"action": {"confirm"}, "username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}})
	wantStatus(t, confirm, 200)
	html := string(confirm.body)
	for _, want := range []string{"auth0gin Swagger UI", "read:messages", "offline_access", devtenant.Alice.Email, d.str("user_code"), devtenant.Audience, `id="confirm"`, `id="deny"`} {
		if !strings.Contains(html, want) {
			t.Errorf("confirmation page lacks %q:\n%s", want, html)
		}
	}
	wantOAuthError(t, e.poll(t, d.str("device_code")), 403, "authorization_pending", "")

	// The confirmation is bound to the browser and to the origin.
	state := formState(t, confirm.body)
	other := e.browser(t)
	wantStatus(t, other.postForm(t, e.url+"activate", url.Values{"state": {state}, "action": {"confirm"}}), http.StatusForbidden)
	wantStatus(t, b.postFormOrigin(t, e.url+"activate", "http://127.0.0.1:6060", url.Values{"state": {state}, "action": {"confirm"}}), http.StatusForbidden)
	wantStatus(t, b.postForm(t, e.url+"activate", url.Values{"state": {state}, "action": {"maybe"}}), http.StatusBadRequest)
	e.clock.Advance(5 * time.Second)
	wantOAuthError(t, e.poll(t, d.str("device_code")), 403, "authorization_pending", "")

	done := b.postForm(t, e.url+"activate", url.Values{"state": {state}, "action": {"confirm"}})
	if done.status != 200 || !strings.Contains(string(done.body), "device is now connected") {
		t.Fatalf("confirm: %d %s", done.status, done.body)
	}
	e.clock.Advance(5 * time.Second)
	wantStatus(t, e.poll(t, d.str("device_code")), 200)
	// A confirmation answers once.
	wantStatus(t, b.postForm(t, e.url+"activate", url.Values{"state": {state}, "action": {"deny"}}), http.StatusBadRequest)
}

// An attacker's page cannot make a logged-in user's browser confirm the
// attacker's code: the activation state belongs to the browser that opened
// the page, and foreign origins are refused.
func TestActivationCSRF(t *testing.T) {
	e := newEnv(t)
	d := e.deviceCode(t)
	victim := e.browser(t)
	// The victim is logged in at the tenant.
	page := victim.get(t, e.authorizeURL("response_type", "token"))
	wantStatus(t, victim.login(t, page, devtenant.Alice.Email, devtenant.Alice.Password), 302)

	attacker := e.browser(t)
	apage := attacker.get(t, d.str("verification_uri"))
	for _, origin := range []string{"", "http://127.0.0.1:6060"} {
		r := victim.postFormOrigin(t, e.url+"activate", origin, url.Values{"state": {formState(t, apage.body)}, "user_code": {d.str("user_code")}, "action": {"confirm"}})
		wantStatus(t, r, http.StatusForbidden)
	}
	// With the victim's own state but a foreign origin.
	vpage := victim.get(t, d.str("verification_uri"))
	r := victim.postFormOrigin(t, e.url+"activate", "http://127.0.0.1:6060", url.Values{"state": {formState(t, vpage.body)}, "user_code": {d.str("user_code")}, "action": {"confirm"}})
	wantStatus(t, r, http.StatusForbidden)
	wantOAuthError(t, e.poll(t, d.str("device_code")), 403, "authorization_pending", "")
}

// Wrong codes are limited per activation transaction and per tenant.
func TestActivationCodeGuessingLimited(t *testing.T) {
	e := newEnv(t)
	d := e.deviceCode(t)
	b := e.browser(t)
	page := b.get(t, d.str("verification_uri"))
	state := formState(t, page.body)
	try := func(state, code string) response {
		return b.postForm(t, e.url+"activate", url.Values{"state": {state}, "user_code": {code},
			"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}})
	}
	for i := 0; i < 4; i++ {
		wantStatus(t, try(state, "BBBB-BBBB"), http.StatusBadRequest)
	}
	wantStatus(t, try(state, "BBBB-BBBB"), http.StatusTooManyRequests)
	// The transaction is over, even with the right code.
	wantStatus(t, try(state, d.str("user_code")), http.StatusBadRequest)

	// Tenant-wide: after 100 wrong codes in 10 minutes nobody can enter one.
	for n := 5; n < 100; {
		s := formState(t, b.get(t, d.str("verification_uri")).body)
		for i := 0; i < 4 && n < 100; i++ {
			try(s, "CCCC-CCCC")
			n++
		}
	}
	s := formState(t, b.get(t, d.str("verification_uri")).body)
	r := try(s, d.str("user_code"))
	if r.status != http.StatusTooManyRequests || !strings.Contains(string(r.body), "Too many invalid codes") {
		t.Fatalf("after 100 wrong codes: %d %s", r.status, r.body)
	}
	e.clock.Advance(10 * 60 * 1e9)
	s = formState(t, b.get(t, d.str("verification_uri")).body)
	r = try(s, d.str("user_code"))
	if r.status != 200 || !strings.Contains(string(r.body), `id="confirm"`) {
		t.Fatalf("after the window: %d %s", r.status, r.body)
	}
}
