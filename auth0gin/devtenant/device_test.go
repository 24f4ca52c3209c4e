package devtenant_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

func (e *env) deviceCode(t *testing.T) response {
	t.Helper()
	r := e.post(t, "oauth/device/code", url.Values{"client_id": {devtenant.SPAClient.ID},
		"scope": {"openid offline_access read:messages"}, "audience": {devtenant.Audience}})
	wantStatus(t, r, 200)
	return r
}

func (e *env) poll(t *testing.T, dc string) response {
	t.Helper()
	return e.post(t, "oauth/token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "client_id": {devtenant.SPAClient.ID}, "device_code": {dc}})
}

// activate goes through the /activate page as a browser: open the
// verification_uri_complete, log in with the prefilled code, then answer the
// confirmation page (action "confirm" or "deny").
func (e *env) activate(t *testing.T, complete, action string) response {
	t.Helper()
	b := e.browser(t)
	page := b.get(t, complete)
	wantStatus(t, page, 200)
	code := regexp.MustCompile(`name="user_code" type="text" value="([^"]+)"`).FindSubmatch(page.body)
	if code == nil {
		t.Fatalf("user code not prefilled:\n%s", page.body)
	}
	confirm := b.postForm(t, e.url+"activate", url.Values{"state": {formState(t, page.body)}, "user_code": {string(code[1])},
		"action": {"continue"}, "username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}})
	if confirm.status != 200 || !strings.Contains(string(confirm.body), `id="confirm"`) {
		t.Fatalf("no confirmation page: %d %s", confirm.status, confirm.body)
	}
	return b.postForm(t, e.url+"activate", url.Values{"state": {formState(t, confirm.body)}, "action": {action}})
}

func TestDeviceFlow(t *testing.T) {
	e := newEnv(t)
	d := e.deviceCode(t)
	if !regexp.MustCompile(`^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$`).MatchString(d.str("user_code")) ||
		d.str("verification_uri") != e.url+"activate" || d.json["expires_in"].(float64) != 900 || d.json["interval"].(float64) != 5 ||
		d.str("verification_uri_complete") != e.url+"activate?user_code="+d.str("user_code") || d.str("device_code") == "" {
		t.Fatalf("device code answer %s", d.body)
	}
	dc := d.str("device_code")
	wantOAuthError(t, e.poll(t, dc), 403, "authorization_pending", "User has yet to authorize device code.")
	wantOAuthError(t, e.poll(t, dc), 429, "slow_down", "You are polling faster than the specified interval of 5 seconds.")
	e.clock.Advance(5 * time.Second)
	wantOAuthError(t, e.poll(t, dc), 403, "authorization_pending", "")

	// A wrong password on the activation page does not approve.
	b := e.browser(t)
	page := b.get(t, d.str("verification_uri"))
	bad := b.postForm(t, e.url+"activate", url.Values{"state": {formState(t, page.body)}, "user_code": {strings.ToLower(d.str("user_code"))},
		"action": {"confirm"}, "username": {devtenant.Alice.Email}, "password": {"wrong"}})
	if bad.status != 400 || !strings.Contains(string(bad.body), "Wrong email or password.") {
		t.Fatalf("bad password: %d %s", bad.status, bad.body)
	}
	e.clock.Advance(5 * time.Second)
	wantOAuthError(t, e.poll(t, dc), 403, "authorization_pending", "")

	ok := e.activate(t, d.str("verification_uri_complete"), "confirm")
	if ok.status != 200 || !strings.Contains(string(ok.body), "device is now connected") {
		t.Fatalf("activation: %d %s", ok.status, ok.body)
	}
	e.clock.Advance(5 * time.Second)
	r := e.poll(t, dc)
	wantStatus(t, r, 200)
	if r.str("refresh_token") == "" || r.str("id_token") == "" || r.str("scope") != "openid offline_access read:messages" {
		t.Errorf("tokens %s", r.body)
	}
	if _, c := claims(t, r.str("access_token")); c["sub"] != devtenant.Alice.ID {
		t.Errorf("claims %v", c)
	}
	e.clock.Advance(5 * time.Second)
	wantOAuthError(t, e.poll(t, dc), 403, "invalid_grant", "")
}

func TestDeviceFlowDeniedAndExpired(t *testing.T) {
	e := newEnv(t)
	d := e.deviceCode(t)
	r := e.activate(t, d.str("verification_uri_complete"), "deny")
	wantStatus(t, r, 200)
	wantOAuthError(t, e.poll(t, d.str("device_code")), 403, "access_denied", "")

	d = e.deviceCode(t)
	dc := d.str("device_code")
	e.clock.Advance(901 * time.Second)
	wantOAuthError(t, e.poll(t, dc), 403, "expired_token", "")
	e.clock.Advance(5 * time.Second)
	wantOAuthError(t, e.poll(t, dc), 403, "invalid_grant", "")
	// An expired code can no longer be activated.
	b := e.browser(t)
	page := b.get(t, d.str("verification_uri"))
	r = b.postForm(t, e.url+"activate", url.Values{"state": {formState(t, page.body)}, "user_code": {d.str("user_code")}, "action": {"confirm"},
		"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}})
	wantStatus(t, r, 400)

	wantOAuthError(t, e.poll(t, "unknown"), 403, "invalid_grant", "")
	wantOAuthError(t, e.post(t, "oauth/device/code", url.Values{"client_id": {devtenant.M2MClient.ID}, "client_secret": {devtenant.M2MClient.Secret}}),
		403, "unauthorized_client", "")
	wantOAuthError(t, e.post(t, "oauth/device/code", url.Values{"client_id": {devtenant.SPAClient.ID}, "audience": {"https://nope.example"}}),
		403, "access_denied", "Service not enabled within domain: https://nope.example")
	wantStatus(t, e.post(t, "activate", url.Values{"state": {"forged"}, "user_code": {d.str("user_code")}}), 400)
}
