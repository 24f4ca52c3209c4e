package devtenant_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/tenantprobe"
)

const tooManyAttempts = "Your account has been blocked after multiple consecutive login attempts."

// backendLogin is a password-realm login by the regular web client, with
// the end user's IP in auth0-forwarded-for when ip is set.
func (e *env) backendLogin(t *testing.T, clientID, secret, ip, user, pass string) response {
	t.Helper()
	form := url.Values{"grant_type": {"http://auth0.com/oauth/grant-type/password-realm"}, "realm": {"Username-Password-Authentication"},
		"client_id": {clientID}, "client_secret": {secret}, "username": {user}, "password": {pass},
		"audience": {devtenant.Audience}}
	req, _ := http.NewRequest("POST", e.url+"oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if ip != "" {
		req.Header.Set("auth0-forwarded-for", ip)
	}
	return do(t, nil, req)
}

func (e *env) regular(t *testing.T, ip, user, pass string) response {
	t.Helper()
	return e.backendLogin(t, devtenant.RegularClient.ID, devtenant.RegularClient.Secret, ip, user, pass)
}

// #11.6: ten consecutive failures for one user from one IP block that pair;
// the right password then gets 429 too_many_attempts. Before the fix the
// right password worked after any number of failures.
func TestBruteForceBlocksUserAndIP(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 10; i++ {
		wantOAuthError(t, e.password(t, devtenant.Alice.Email, "wrong", ""), 403, "invalid_grant", "Wrong email or password.")
	}
	wantOAuthError(t, e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, ""), 429, "too_many_attempts", tooManyAttempts)
	// Bob, from the same IP, is not blocked.
	wantStatus(t, e.password(t, devtenant.Bob.Email, devtenant.Bob.Password, ""), 200)
	// Alice from another IP (a trusted backend naming her IP) is not blocked.
	wantStatus(t, e.regular(t, "198.51.100.7", devtenant.Alice.Email, devtenant.Alice.Password), 200)
	// The login page is blocked as well, with Auth0's message.
	b := e.browser(t)
	page := b.get(t, e.authorizeURL("response_type", "token"))
	r := b.login(t, page, devtenant.Alice.Email, devtenant.Alice.Password)
	if r.status != 429 || !strings.Contains(string(r.body), tooManyAttempts) {
		t.Fatalf("login page while blocked: %d %s", r.status, r.body)
	}
	if e.Stats().BruteForceBlocks != 1 {
		t.Fatalf("stats %+v", e.Stats())
	}
}

func TestBruteForceSuccessResetsCount(t *testing.T) {
	e := newEnv(t)
	for round := 0; round < 3; round++ {
		for i := 0; i < 9; i++ {
			wantOAuthError(t, e.password(t, devtenant.Alice.Email, "wrong", ""), 403, "invalid_grant", "")
		}
		wantStatus(t, e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, ""), 200)
	}
}

// Concurrent failures cannot slip past the threshold.
func TestBruteForceConcurrent(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.password(t, devtenant.Alice.Email, "wrong", "")
		}()
	}
	wg.Wait()
	wantOAuthError(t, e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, ""), 429, "too_many_attempts", tooManyAttempts)
}

// auth0-forwarded-for counts against the end user's IP, but only from a
// confidential client with the trust setting that authenticated.
func TestBruteForceForwardedFor(t *testing.T) {
	e := newEnv(t, func(c *devtenant.Config) {
		c.Clients = append(c.Clients, devtenant.Client{ID: "untrusted", Secret: "s", Type: "regular_web",
			GrantTypes: []string{"password"}})
	})
	for i := 0; i < 10; i++ {
		wantOAuthError(t, e.regular(t, "203.0.113.5", devtenant.Alice.Email, "wrong"), 403, "invalid_grant", "")
	}
	wantOAuthError(t, e.regular(t, "203.0.113.5", devtenant.Alice.Email, devtenant.Alice.Password), 429, "too_many_attempts", tooManyAttempts)
	// Other end users of the same backend, and the backend's own IP, are not blocked.
	wantStatus(t, e.regular(t, "203.0.113.6", devtenant.Alice.Email, devtenant.Alice.Password), 200)
	wantStatus(t, e.regular(t, "", devtenant.Alice.Email, devtenant.Alice.Password), 200)
	wantStatus(t, e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, ""), 200)

	// A public client (SPA) cannot choose the IP it is counted against.
	for i := 0; i < 10; i++ {
		e.backendLogin(t, devtenant.SPAClient.ID, "", "192.0.2."+string(rune('1'+i%9)), devtenant.Bob.Email, "wrong")
	}
	wantOAuthError(t, e.password(t, devtenant.Bob.Email, devtenant.Bob.Password, ""), 429, "too_many_attempts", "")
	// Nor can a confidential client without the trust setting.
	for i := 0; i < 10; i++ {
		e.backendLogin(t, "untrusted", "s", "192.0.2.99", devtenant.Alice.Email, "wrong")
	}
	wantOAuthError(t, e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, ""), 429, "too_many_attempts", "")
	// Nor the trusted client with a wrong secret: it is refused before counting.
	wantOAuthError(t, e.backendLogin(t, devtenant.RegularClient.ID, "wrong", "203.0.113.9", devtenant.Alice.Email, devtenant.Alice.Password), 401, "invalid_client", "")
}

func TestBruteForceUnblock(t *testing.T) {
	e := newEnv(t)
	block := func() {
		t.Helper()
		for i := 0; i < 10; i++ {
			e.regular(t, "203.0.113.5", devtenant.Alice.Email, "wrong")
		}
		wantOAuthError(t, e.regular(t, "203.0.113.5", devtenant.Alice.Email, devtenant.Alice.Password), 429, "too_many_attempts", tooManyAttempts)
	}
	tok := e.m2m(t, e.ManagementAudience())

	// Through the Management API: GET lists the block, DELETE lifts it.
	block()
	r := e.mgmtDo(t, "GET", "user-blocks/"+url.PathEscape(devtenant.Alice.ID), "", tok)
	wantStatus(t, r, 200)
	if !strings.Contains(string(r.body), `"ip":"203.0.113.5"`) || !strings.Contains(string(r.body), `"identifier":"alice@example.com"`) {
		t.Fatalf("user-blocks %s", r.body)
	}
	wantStatus(t, e.mgmtDo(t, "DELETE", "user-blocks/"+url.PathEscape(devtenant.Alice.ID), "", tok), 204)
	wantStatus(t, e.regular(t, "203.0.113.5", devtenant.Alice.Email, devtenant.Alice.Password), 200)
	if r := e.mgmtDo(t, "GET", "user-blocks?identifier="+devtenant.Alice.Email, "", tok); string(r.body) != "{\"blocked_for\":[]}\n" {
		t.Fatalf("after unblock %d %s", r.status, r.body)
	}
	// By identifier.
	block()
	wantStatus(t, e.mgmtDo(t, "DELETE", "user-blocks?identifier="+devtenant.Alice.Email, "", tok), 204)
	wantStatus(t, e.regular(t, "203.0.113.5", devtenant.Alice.Email, devtenant.Alice.Password), 200)
	// Errors.
	wantMgmtError(t, e.mgmtDo(t, "DELETE", "user-blocks/auth0%7Cnobody", "", tok), 404, "inexistent_user", "")
	wantMgmtError(t, e.mgmtDo(t, "GET", "user-blocks", "", tok), 400, "invalid_query_string", "")
	wantStatus(t, e.mgmtDo(t, "DELETE", "user-blocks/"+url.PathEscape(devtenant.Alice.ID), "", ""), 401)

	// A password reset lifts it.
	block()
	wantStatus(t, e.mgmtDo(t, "PATCH", "users/"+url.PathEscape(devtenant.Alice.ID), `{"password":"new-password"}`, tok), 200)
	wantStatus(t, e.regular(t, "203.0.113.5", devtenant.Alice.Email, "new-password"), 200)
	wantStatus(t, e.mgmtDo(t, "PATCH", "users/"+url.PathEscape(devtenant.Alice.ID), `{"password":"`+devtenant.Alice.Password+`"}`, tok), 200)

	// The Go API.
	block()
	if n := tenantprobe.Unblock(e, devtenant.Alice.Email); n != 1 {
		t.Fatalf("Unblock lifted %d", n)
	}
	wantStatus(t, e.regular(t, "203.0.113.5", devtenant.Alice.Email, devtenant.Alice.Password), 200)
}

func TestBruteForceBlockDuration(t *testing.T) {
	e := newEnv(t, func(c *devtenant.Config) { c.BruteForceBlockDuration = time.Hour; c.BruteForceThreshold = 3 })
	for i := 0; i < 3; i++ {
		e.password(t, devtenant.Alice.Email, "wrong", "")
	}
	wantOAuthError(t, e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, ""), 429, "too_many_attempts", "")
	e.clock.Advance(59 * time.Minute)
	wantOAuthError(t, e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, ""), 429, "too_many_attempts", "")
	e.clock.Advance(time.Minute)
	wantStatus(t, e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, ""), 200)

	off := newEnv(t, func(c *devtenant.Config) { c.BruteForceThreshold = -1 })
	for i := 0; i < 20; i++ {
		off.password(t, devtenant.Alice.Email, "wrong", "")
	}
	wantStatus(t, off.password(t, devtenant.Alice.Email, devtenant.Alice.Password, ""), 200)
}

// Auth0's other login errors: a blocked user, and a user enrolled in MFA.
func TestBlockedUserAndMFA(t *testing.T) {
	e := newEnv(t, func(c *devtenant.Config) {
		c.Users = append(c.Users, devtenant.User{Email: "mfa@example.com", Password: "pw", MFAEnrolled: true})
	})
	tok := e.m2m(t, e.ManagementAudience())
	r := e.mgmtDo(t, "PATCH", "users/"+url.PathEscape(devtenant.Bob.ID), `{"blocked":true}`, tok)
	wantStatus(t, r, 200)
	if r.json["blocked"] != true {
		t.Fatalf("PATCH answer %s", r.body)
	}
	wantOAuthError(t, e.password(t, devtenant.Bob.Email, devtenant.Bob.Password, ""), 401, "unauthorized", "user is blocked")
	if r := e.password(t, devtenant.Bob.Email, devtenant.Bob.Password, ""); r.header.Get("WWW-Authenticate") != "" {
		t.Error("user is blocked carries WWW-Authenticate")
	}
	// A wrong password still says only that.
	wantOAuthError(t, e.password(t, devtenant.Bob.Email, "wrong", ""), 403, "invalid_grant", "Wrong email or password.")
	b := e.browser(t)
	page := b.get(t, e.authorizeURL("response_type", "token"))
	if r := b.login(t, page, devtenant.Bob.Email, devtenant.Bob.Password); r.status != 401 || !strings.Contains(string(r.body), "user is blocked") {
		t.Fatalf("login page: %d %s", r.status, r.body)
	}
	wantStatus(t, e.mgmtDo(t, "PATCH", "users/"+url.PathEscape(devtenant.Bob.ID), `{"blocked":false}`, tok), 200)
	wantStatus(t, e.password(t, devtenant.Bob.Email, devtenant.Bob.Password, ""), 200)

	r = e.password(t, "mfa@example.com", "pw", "")
	wantOAuthError(t, r, 403, "mfa_required", "Multifactor authentication required")
	if r.str("mfa_token") == "" {
		t.Fatalf("no mfa_token: %s", r.body)
	}
}
