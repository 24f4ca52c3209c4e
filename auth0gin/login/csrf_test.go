package login_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
)

// TestLoginCSRFWithSessions: with Sessions set, a login answer sets the
// session cookie, so a form another site makes the victim's browser post
// would log the victim in as the attacker (login CSRF). Such a cross-origin
// browser request is refused before the tenant is asked; same-origin
// browser requests and non-browser clients still log in.
func TestLoginCSRFWithSessions(t *testing.T) {
	sessions := 0
	h := newHarness(t, nil, nil, func(c *login.Config) {
		c.Sessions = sessionFunc(func(c *gin.Context, u *auth0gin.Auth0User) error {
			sessions++
			http.SetCookie(c.Writer, &http.Cookie{Name: "auth0gin_session", Value: "s", HttpOnly: true})
			return nil
		})
	})
	post := func(hdr map[string]string) reply {
		form := url.Values{"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}}
		req, _ := http.NewRequest("POST", h.srv.URL+"/auth/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		return h.do(req)
	}
	for name, hdr := range map[string]map[string]string{
		"Sec-Fetch-Site cross-site": {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
		"Origin of another site":    {"Origin": "https://evil.example"},
	} {
		r := post(hdr)
		if r.status != http.StatusForbidden || r.header.Get("Set-Cookie") != "" {
			t.Errorf("%s: %d %s, Set-Cookie %q", name, r.status, r.body, r.header.Get("Set-Cookie"))
		}
	}
	if g := h.tenant.Stats().Grants["http://auth0.com/oauth/grant-type/password-realm"]; g != 0 || sessions != 0 {
		t.Fatalf("a cross-origin login reached the tenant (%d grants) or started %d sessions", g, sessions)
	}
	if r := post(map[string]string{"Sec-Fetch-Site": "same-origin"}); r.status != 200 {
		t.Errorf("same-origin: %d %s", r.status, r.body)
	}
	if r := post(nil); r.status != 200 {
		t.Errorf("no browser headers: %d %s", r.status, r.body)
	}
}
