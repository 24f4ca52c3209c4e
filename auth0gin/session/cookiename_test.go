package session_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/session"
)

// serve answers one request on e's router as a server reached at host
// ("api.example.com", "127.0.0.1:8080") over plain http would.
func (e *env) serve(method, host, path string, h map[string]string) *http.Response {
	e.t.Helper()
	req := httptest.NewRequest(method, "http://"+host+path, nil)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	e.router().ServeHTTP(w, req)
	return w.Result()
}

// sessionCookie is the one cookie an answer sets.
func sessionCookie(t *testing.T, res *http.Response) *http.Cookie {
	t.Helper()
	cs := res.Cookies()
	if res.StatusCode != 200 || len(cs) != 1 {
		t.Fatalf("login: %d, cookies %v", res.StatusCode, cs)
	}
	return cs[0]
}

// The cookie a sibling site cannot toss (issue 23, finding 2): Secure,
// host-only and Path=/ gets the __Host- prefix, which browsers refuse to
// accept with a Domain or from a page that is not secure; plain-http
// loopback keeps the development name.
func TestCookieName(t *testing.T) {
	tn := auth0test.NewTenant(t)
	bearer := map[string]string{"Authorization": "Bearer " + tn.Token(t)}
	for _, tc := range []struct {
		name, host string
		origin     string // the Auth0's PublicOrigin
		cfg        session.Config
		want       string
		secure     bool
	}{
		{"https public origin", "api.example.com", "https://api.example.com", session.Config{}, "__Host-auth0gin_session", true},
		{"behind a proxy, no public origin", "api.example.com", "", session.Config{}, "__Host-auth0gin_session", true},
		{"plain-http loopback", "127.0.0.1:8080", "", session.Config{}, "auth0gin_session", false},
		{"loopback public origin", "127.0.0.1:8080", "http://localhost:8080", session.Config{}, "auth0gin_session", false},
		{"a Domain", "api.example.com", "", session.Config{CookieDomain: "example.com"}, "auth0gin_session", true},
		{"a Path", "api.example.com", "", session.Config{CookiePath: "/api"}, "auth0gin_session", true},
		{"the app's name", "api.example.com", "", session.Config{CookieName: "sid"}, "sid", true},
		{"the app's __Host- name", "127.0.0.1:8080", "", session.Config{CookieName: "__Host-sid"}, "__Host-sid", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ac := tn.Config()
			ac.PublicOrigin = tc.origin
			e := newEnvAuth(t, newStore(t), tn, ac, tc.cfg)
			ck := sessionCookie(t, e.serve("POST", tc.host, "/auth/session", bearer))
			if ck.Name != tc.want || ck.Secure != tc.secure {
				t.Fatalf("cookie %s (Secure %v), want %s (Secure %v)", ck.Name, ck.Secure, tc.want, tc.secure)
			}
			if res := e.serve("GET", tc.host, "/api/private", cookieH(ck)); res.StatusCode != 200 {
				t.Errorf("the cookie back: %d", res.StatusCode)
			}
			// Only the name of the request's cookie counts: in production
			// a tossed development-name cookie is none of the session's.
			other := "__Host-auth0gin_session"
			if ck.Name == other {
				other = "auth0gin_session"
			}
			res := e.serve("GET", tc.host, "/api/optional", map[string]string{"Cookie": other + "=" + ck.Value})
			if b := readBody(res); res.StatusCode != 200 || b != `{"guest":true}` {
				t.Errorf("the value under %s: %d %s, want a guest", other, res.StatusCode, b)
			}
		})
	}
}

// An explicit __Host- name the browser would refuse is refused at New.
func TestCookieNameRefused(t *testing.T) {
	tn := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tn.Config())
	ac := tn.Config()
	ac.PublicOrigin = "http://localhost:8080"
	httpAuth := auth0gin.MustNew(ac)
	for _, tc := range []struct {
		auth *auth0gin.Auth0
		cfg  session.Config
	}{
		{auth, session.Config{CookieName: "__Host-sid", CookieDomain: "example.com"}},
		{auth, session.Config{CookieName: "__host-sid", CookiePath: "/api"}},
		{httpAuth, session.Config{CookieName: "__Host-sid"}},
		{httpAuth, session.Config{CookieName: "__Secure-sid"}},
	} {
		if _, err := session.New(context.Background(), tc.auth, newStore(t), tc.cfg); !errors.Is(err, auth0gin.ErrConfig) {
			t.Errorf("%+v: %v, want ErrConfig", tc.cfg, err)
		}
	}
}

func readBody(res *http.Response) string {
	b := make([]byte, 1<<10)
	n, _ := res.Body.Read(b)
	return string(b[:n])
}
