package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
)

// app is the example's router, wired by newApp from the environment as
// run wires it, against a dev tenant of the test's own: sessions in SQLite
// in memory, password login through the tenant's regular web client, and
// the users' rows in SQLite in memory, their profiles from the Management API.
func app(t *testing.T) (*auth0test.Tenant, http.Handler) {
	t.Helper()
	return appWith(t, nil)
}

// appWith is app with the tenant's options, and configure (when not nil)
// changing the core's configuration before the app is wired.
func appWith(t *testing.T, configure func(*auth0gin.Config), opts ...auth0test.Option) (*auth0test.Tenant, http.Handler) {
	t.Helper()
	for k, v := range map[string]string{
		"SESSION_STORE_URL": "", "DATABASE_URL": "", "AUTH0_DOMAIN": "",
		"AUTH0_M2M_CLIENT_ID": devtenant.M2MClient.ID, "AUTH0_M2M_CLIENT_SECRET": devtenant.M2MClient.Secret,
		"AUTH0_LOGIN_CLIENT_ID": devtenant.RegularClient.ID, "AUTH0_LOGIN_CLIENT_SECRET": devtenant.RegularClient.Secret,
		"AUTH0GIN_ENCRYPTION_KEYS": "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
	} {
		t.Setenv(k, v)
	}
	tenant := auth0test.NewTenant(t, opts...)
	cfg := tenant.Config()
	cfg.Scopes = scopes
	if configure != nil {
		configure(&cfg)
	}
	auth := auth0gin.MustNew(cfg)
	r, closeApp, err := newApp(context.Background(), auth, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeApp)
	return tenant, r
}

func call(t *testing.T, h http.Handler, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var out map[string]any
	if w.Body.Len() > 0 {
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %s: %d %q: %v", method, path, w.Code, w.Body, err)
		}
	}
	return w.Code, out
}

func TestMe(t *testing.T) {
	tenant, h := app(t)
	alice := tenant.PasswordToken(t, devtenant.Alice.Email, devtenant.Alice.Password, "read:messages")

	code, first := call(t, h, "GET", "/api/me", alice, "")
	if code != 200 || first["auth0_id"] != devtenant.Alice.ID || first["email"] != devtenant.Alice.Email || first["name"] != "Alice Example" {
		t.Fatalf("first: %d %v", code, first)
	}
	if _, ok := first["id"].(string); !ok {
		t.Errorf("id is not a string: %v", first["id"])
	}
	if _, err := time.Parse(time.RFC3339, first["created_at"].(string)); err != nil {
		t.Errorf("created_at: %v", err)
	}
	_, again := call(t, h, "GET", "/api/me", alice, "")
	if again["id"] != first["id"] {
		t.Errorf("second call: id %v, first %v", again["id"], first["id"])
	}

	code, machine := call(t, h, "GET", "/api/me", tenant.M2MToken(t), "")
	if code != 200 || machine["machine"] != true || machine["client_id"] != devtenant.M2MClient.ID || len(machine) != 2 {
		t.Errorf("machine: %d %v", code, machine)
	}
	if code, _ := call(t, h, "GET", "/api/me", "", ""); code != 401 {
		t.Errorf("no token: %d", code)
	}
}

func TestGraphQL(t *testing.T) {
	tenant, h := app(t)
	alice := tenant.PasswordToken(t, devtenant.Alice.Email, devtenant.Alice.Password, "read:messages")
	const q = `{"query":"{ me { id auth0Id email name } messages }"}`

	_, me := call(t, h, "GET", "/api/me", alice, "")
	code, out := call(t, h, "POST", "/graphql", alice, q)
	data, _ := out["data"].(map[string]any)
	gme, _ := data["me"].(map[string]any)
	if code != 200 || out["errors"] != nil || gme["id"] != me["id"] || gme["auth0Id"] != devtenant.Alice.ID ||
		gme["email"] != devtenant.Alice.Email || gme["name"] != "Alice Example" || data["messages"] == nil {
		t.Fatalf("alice: %d %v", code, out)
	}

	if code, out := call(t, h, "POST", "/graphql", "", q); code != 401 || out["data"] != nil {
		t.Errorf("no token: %d %v", code, out)
	}
	if code, _ := call(t, h, "POST", "/graphql", tenant.Token(t, auth0test.Expired()), q); code != 401 {
		t.Errorf("expired token: %d", code)
	}
	req := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query":"`+strings.Repeat(" ", 100<<10)+`{ me { id } }"}`))
	req.Header.Set("Authorization", "Bearer "+alice)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("a 100 KiB query: %d", w.Code)
	}

	// Without read:messages, me answers and the scoped field errors.
	noScope := tenant.Token(t, auth0test.Scopes("write:messages"))
	code, out = call(t, h, "POST", "/graphql", noScope, q)
	data, _ = out["data"].(map[string]any)
	errs, _ := out["errors"].([]any)
	if code != 200 || data["messages"] != nil || len(errs) != 1 || !strings.Contains(errs[0].(map[string]any)["message"].(string), "read:messages") {
		t.Errorf("without the scope: %d %v", code, out)
	}
	if gme, _ := data["me"].(map[string]any); gme["auth0Id"] != devtenant.Alice.ID {
		t.Errorf("me without the scope: %v", out)
	}
}

// TestGraphQLSessionCookie: me with a session cookie instead of a token
// (the app attaches the session manager to the guards): the cookie's first
// request creates alice's row, and her token then finds the same row.
func TestGraphQLSessionCookie(t *testing.T) {
	tenant, r := app(t)
	alice := tenant.PasswordToken(t, devtenant.Alice.Email, devtenant.Alice.Password, "read:messages")
	login := httptest.NewRequest("POST", "http://127.0.0.1/auth/session", nil)
	login.Header.Set("Authorization", "Bearer "+alice)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, login)
	cookies := w.Result().Cookies()
	if w.Code != 200 || len(cookies) != 1 {
		t.Fatalf("login: %d %s %v", w.Code, w.Body, cookies)
	}

	req := httptest.NewRequest("POST", "http://127.0.0.1/graphql", strings.NewReader(`{"query":"{ me { id auth0Id email name } messages }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(cookies[0])
	w = httptest.NewRecorder()
	r.ServeHTTP(w, req)
	var out struct {
		Data struct {
			Me struct {
				ID, Auth0ID, Email, Name string
			}
			Messages []string
		}
		Errors []any
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || w.Code != 200 || len(out.Errors) != 0 {
		t.Fatalf("cookie: %d %s %v", w.Code, w.Body, err)
	}
	// The cookie's request created the row; the token finds the same one.
	_, me := call(t, r, "GET", "/api/me", alice, "")
	if out.Data.Me.ID != me["id"] || out.Data.Me.Auth0ID != devtenant.Alice.ID || out.Data.Me.Email != devtenant.Alice.Email || len(out.Data.Messages) == 0 {
		t.Errorf("cookie me: %+v, bearer me: %v", out.Data, me)
	}
}
