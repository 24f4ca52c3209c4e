package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// TestGraphQLTransportErrors: what goes wrong before a query runs (a body
// that is not JSON, a wrong method, a body over the limit, no query) is
// answered as GraphQL errors in JSON, {"errors":[{"message":...}]}, with
// the status that says it; it was plain text.
func TestGraphQLTransportErrors(t *testing.T) {
	tenant, h := app(t)
	alice := tenant.Token(t)
	for name, c := range map[string]struct {
		method, body string
		status       int
	}{
		"not json":           {"POST", `{"query":`, http.StatusBadRequest},
		"not an object":      {"POST", `[1,2]`, http.StatusBadRequest},
		"query not a string": {"POST", `{"query": 12}`, http.StatusBadRequest},
		"variables an array": {"POST", `{"query":"{ me { id } }","variables":[1,2]}`, http.StatusBadRequest},
		"trailing data":      {"POST", `{"query":"{ me { id } }"} {}`, http.StatusBadRequest},
		"empty body":         {"POST", ``, http.StatusBadRequest},
		"no query":           {"POST", `{"variables":{}}`, http.StatusBadRequest},
		"blank query":        {"POST", `{"query":"  "}`, http.StatusBadRequest},
		"over the limit":     {"POST", `{"query":"` + strings.Repeat(" ", 100<<10) + `{ me { id } }"}`, http.StatusRequestEntityTooLarge},
		"5 MB":               {"POST", `{"query":"` + strings.Repeat("x", 5<<20) + `"}`, http.StatusRequestEntityTooLarge},
		"5 MB, not JSON":     {"POST", strings.Repeat("x", 5<<20), http.StatusRequestEntityTooLarge},
		"padded past 64 KiB": {"POST", `{"query":"{ me { id } }"}` + strings.Repeat(" ", 65<<10), http.StatusRequestEntityTooLarge},
		"GET":                {"GET", ``, http.StatusMethodNotAllowed},
		"PUT":                {"PUT", `{"query":"{ me { id } }"}`, http.StatusMethodNotAllowed},
		"DELETE":             {"DELETE", ``, http.StatusMethodNotAllowed},
	} {
		req := httptest.NewRequest(c.method, "/graphql", strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer "+alice)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		var out struct {
			Errors []struct {
				Message string `json:"message"`
			} `json:"errors"`
			Data any `json:"data"`
		}
		err := json.Unmarshal(w.Body.Bytes(), &out)
		if w.Code != c.status || err != nil || len(out.Errors) != 1 || out.Errors[0].Message == "" || out.Data != nil ||
			!strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %q %.200s, want %d and one JSON error", name, w.Code, w.Header().Get("Content-Type"), w.Body, c.status)
		}
		if c.status == http.StatusMethodNotAllowed && w.Header().Get("Allow") != "POST" {
			t.Errorf("%s: Allow %q", name, w.Header().Get("Allow"))
		}
	}
}

// TestUserDataNotCached: the answers that carry the caller's data are
// Cache-Control: no-store, for a token and for a session cookie alike (a
// cookie request has no Authorization header that would keep a shared cache
// from storing it), and the guards' refusals too.
func TestUserDataNotCached(t *testing.T) {
	tenant, h := app(t)
	alice := tenant.PasswordToken(t, devtenant.Alice.Email, devtenant.Alice.Password, "read:messages")
	login := httptest.NewRequest("POST", "http://127.0.0.1/auth/session", nil)
	login.Header.Set("Authorization", "Bearer "+alice)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, login)
	cookies := w.Result().Cookies()
	if w.Code != 200 || len(cookies) != 1 {
		t.Fatalf("session: %d %s", w.Code, w.Body)
	}
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/private", ""},
		{"GET", "/api/private-scoped", ""},
		{"GET", "/api/me", ""},
		{"POST", "/graphql", `{"query":"{ me { id email } }"}`},
		{"POST", "/graphql", `{"query":`},
	} {
		for _, cred := range []string{"token", "cookie", "none"} {
			req := httptest.NewRequest(c.method, "http://127.0.0.1"+c.path, strings.NewReader(c.body))
			req.Header.Set("Content-Type", "application/json")
			switch cred {
			case "token":
				req.Header.Set("Authorization", "Bearer "+alice)
			case "cookie":
				req.AddCookie(cookies[0])
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Header().Get("Cache-Control") != "no-store" || (cred != "none" && w.Code >= 500) {
				t.Errorf("%s %s %.20s with %s: %d, Cache-Control %q", c.method, c.path, c.body, cred, w.Code, w.Header().Get("Cache-Control"))
			}
		}
	}
	// The public route stays cacheable: it carries nobody's data.
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/api/public", nil))
	if got := w.Header().Get("Cache-Control"); got != "" {
		t.Errorf("/api/public: Cache-Control %q", got)
	}
}
