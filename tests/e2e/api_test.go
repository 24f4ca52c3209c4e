package e2e

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

const realm = `Bearer realm="` + devtenant.Audience + `"`

// privateBody is the body of the private routes.
type privateBody struct {
	Message string `json:"message"`
	User    struct {
		ID          string   `json:"id"`
		Permissions []string `json:"permissions"`
		Email       *string  `json:"email"`
	} `json:"user"`
}

func decodePrivate(t *testing.T, body []byte) privateBody {
	t.Helper()
	var p privateBody
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("body is not the private message: %v: %s", err, body)
	}
	var raw struct {
		User map[string]json.RawMessage `json:"user"`
	}
	_ = json.Unmarshal(body, &raw)
	for _, k := range []string{"id", "permissions", "email"} {
		if _, ok := raw.User[k]; !ok {
			t.Errorf("user has no %q key (null is expected rather than absent): %s", k, body)
		}
	}
	if p.Message == "" {
		t.Errorf("no message: %s", body)
	}
	return p
}

// startTenant runs a dev tenant in the test process.
func startTenant(t *testing.T) *devtenant.Server {
	t.Helper()
	cfg := devtenant.Default()
	cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	srv, err := devtenant.Listen("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

func issue(t *testing.T, tenant *devtenant.Server, req devtenant.TokenRequest) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tok, err := tenant.IssueToken(ctx, req)
	if err != nil {
		t.Fatalf("issuing a token: %v", err)
	}
	return tok
}

// TestRoutes runs the example against a tenant of the test's and checks
// every route's answers.
func TestRoutes(t *testing.T) {
	tenant := startTenant(t)
	app := startExample(t, map[string]string{
		"AUTH0_DOMAIN":       tenant.URL,
		"AUTH0_API_AUDIENCE": devtenant.Audience,
		"AUTH0_CLIENT_ID":    devtenant.SPAClient.ID,
		"AUTH0_EMAIL_CLAIM":  devtenant.EmailClaim,
		"AUTH0_ROLES_CLAIM":  devtenant.RolesClaim,
	})
	if app.Tenant != tenant.URL {
		t.Errorf("the example trusts %s, want the test's tenant %s", app.Tenant, tenant.URL)
	}
	if strings.Contains(app.Log.String(), "embedded dev tenant") {
		t.Error("the example started its embedded dev tenant although AUTH0_DOMAIN is set")
	}

	alice := issue(t, tenant, devtenant.TokenRequest{User: devtenant.Alice.Email})
	bob := issue(t, tenant, devtenant.TokenRequest{User: devtenant.Bob.Email})
	m2m := issue(t, tenant, devtenant.TokenRequest{ClientCredentials: true})
	expired := issue(t, tenant, devtenant.TokenRequest{User: devtenant.Alice.Email, ExpiresAt: time.Now().Add(-time.Hour)})

	t.Run("public", func(t *testing.T) {
		res, body := get(t, app.URL+"/api/public", "")
		var m struct{ Message string }
		if res.StatusCode != http.StatusOK || json.Unmarshal(body, &m) != nil || m.Message == "" {
			t.Errorf("got %s", describe(res, body))
		}
	})

	for _, path := range []string{"/api/private", "/api/private-scoped"} {
		t.Run(path+"/no token", func(t *testing.T) {
			res, body := get(t, app.URL+path, "")
			if res.StatusCode != http.StatusUnauthorized || res.Header.Get("WWW-Authenticate") != realm {
				t.Errorf("want 401 with %q, got %s", realm, describe(res, body))
			}
		})
		t.Run(path+"/bad tokens", func(t *testing.T) {
			for _, tok := range []string{"not.a.jwt", expired, alice[:len(alice)-4] + "AAAA"} {
				res, body := get(t, app.URL+path, tok)
				ch := res.Header.Get("WWW-Authenticate")
				if res.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(ch, realm) || !strings.Contains(ch, `error="invalid_token"`) {
					t.Errorf("want 401 invalid_token, got %s", describe(res, body))
				}
			}
		})
		t.Run(path+"/alice", func(t *testing.T) {
			res, body := get(t, app.URL+path, alice)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("got %s", describe(res, body))
			}
			u := decodePrivate(t, body).User
			if u.ID != devtenant.Alice.ID || u.Email == nil || *u.Email != devtenant.Alice.Email ||
				!slices.Equal(u.Permissions, []string{"read:messages", "write:messages"}) {
				t.Errorf("user = %+v (email %v), want alice with her permissions and email", u, u.Email)
			}
		})
		t.Run(path+"/m2m", func(t *testing.T) {
			res, body := get(t, app.URL+path, m2m)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("got %s", describe(res, body))
			}
			u := decodePrivate(t, body).User
			if u.ID != devtenant.M2MClient.ID+"@clients" || u.Email != nil {
				t.Errorf("user = %+v, want the M2M client with a null email", u)
			}
			if !strings.Contains(string(body), `"email":null`) {
				t.Errorf(`body lacks "email":null: %s`, body)
			}
		})
	}

	t.Run("/api/private/bob", func(t *testing.T) {
		res, body := get(t, app.URL+"/api/private", bob)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("got %s", describe(res, body))
		}
		u := decodePrivate(t, body).User
		if u.ID != devtenant.Bob.ID || u.Permissions == nil || len(u.Permissions) != 0 {
			t.Errorf("user = %+v, want bob with an empty permissions list", u)
		}
	})
	t.Run("/api/private-scoped/bob", func(t *testing.T) {
		res, body := get(t, app.URL+"/api/private-scoped", bob)
		ch := res.Header.Get("WWW-Authenticate")
		if res.StatusCode != http.StatusForbidden || !strings.HasPrefix(ch, realm) ||
			!strings.Contains(ch, `error="insufficient_scope"`) || !strings.Contains(ch, `scope="read:messages"`) {
			t.Errorf("want 403 insufficient_scope, got %s", describe(res, body))
		}
		var e struct{ Error string }
		if json.Unmarshal(body, &e) != nil || e.Error != "insufficient_scope" {
			t.Errorf("body = %s, want error insufficient_scope", body)
		}
	})

	t.Run("root redirects to the docs", func(t *testing.T) {
		res, body := get(t, app.URL+"/", "")
		if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/docs/index.html" {
			t.Errorf("got %s, Location %q", describe(res, body), res.Header.Get("Location"))
		}
	})
	t.Run("docs point at the tenant", func(t *testing.T) {
		res, body := get(t, app.URL+"/docs/doc.json", "")
		want := tenant.URL + "authorize?" + url.Values{"audience": {devtenant.Audience}}.Encode()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), want) ||
			!strings.Contains(string(body), tenant.URL+"oauth/token") {
			t.Errorf("doc.json lacks %s: %s", want, body)
		}
		res, body = get(t, app.URL+"/docs/index.html", "")
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "swagger-ui") {
			t.Errorf("index.html: %s", describe(res, body[:min(len(body), 200)]))
		}
	})

	app.CheckLogHasNo(t, alice, bob, m2m, expired, devtenant.M2MClient.Secret)
}

// TestEmbeddedTenant runs the example with no AUTH0_DOMAIN: it must start its
// own dev tenant, whose password grant then gives tokens the example accepts.
func TestEmbeddedTenant(t *testing.T) {
	app := startExample(t, map[string]string{"DEVTENANT_ADDR": "127.0.0.1:0"})
	if !strings.HasPrefix(app.Tenant, "http://127.0.0.1:") {
		t.Fatalf("the example trusts %q, want its embedded tenant on loopback", app.Tenant)
	}
	alice := passwordGrant(t, app.Tenant, devtenant.Alice.Email, devtenant.Alice.Password)
	bob := passwordGrant(t, app.Tenant, devtenant.Bob.Email, devtenant.Bob.Password)

	res, body := get(t, app.URL+"/api/private-scoped", alice)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("alice: %s", describe(res, body))
	}
	if u := decodePrivate(t, body).User; u.Email == nil || *u.Email != devtenant.Alice.Email {
		t.Errorf("alice: user %+v, want her email from the namespaced claim", u)
	}
	res, body = get(t, app.URL+"/api/private-scoped", bob)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("bob: want 403, got %s", describe(res, body))
	}

	if err := app.Stop(t); err != nil {
		t.Errorf("the example exited with %v after SIGTERM, want a clean exit", err)
	}
	if !strings.Contains(app.Log.String(), "shutting down") {
		t.Error("no shutdown log after SIGTERM")
	}
	app.CheckLogHasNo(t, alice, bob)
}

// passwordGrant logs a user in with Auth0's password grant.
func passwordGrant(t *testing.T, tenant, user, password string) string {
	t.Helper()
	form := url.Values{
		"grant_type": {"password"},
		"username":   {user},
		"password":   {password},
		"audience":   {devtenant.Audience},
		"client_id":  {devtenant.SPAClient.ID},
		"scope":      {"openid read:messages"},
	}
	client := &http.Client{Timeout: 30 * time.Second}
	res, err := client.PostForm(tenant+"oauth/token", form)
	if err != nil {
		t.Fatalf("password grant: %v", err)
	}
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || res.StatusCode != http.StatusOK || tok.AccessToken == "" {
		t.Fatalf("password grant for %s: %d %s (%v)", user, res.StatusCode, tok.Error, err)
	}
	return tok.AccessToken
}

// TestEmbeddedTenantPortBusy checks that the example still starts when the
// dev tenant's default address is taken, on a free port instead.
func TestEmbeddedTenantPortBusy(t *testing.T) {
	if ln, err := net.Listen("tcp", "127.0.0.1:4000"); err == nil {
		t.Cleanup(func() { ln.Close() })
	} // otherwise something else holds it, which is just as busy
	app := startExample(t, nil)
	if app.Tenant == "http://127.0.0.1:4000/" {
		t.Fatalf("the example claims the busy address %s", "127.0.0.1:4000")
	}
	if !strings.Contains(app.Log.String(), "port busy") {
		t.Error("no log line about the busy port")
	}
	tok := passwordGrant(t, app.Tenant, devtenant.Alice.Email, devtenant.Alice.Password)
	if res, body := get(t, app.URL+"/api/private", tok); res.StatusCode != http.StatusOK {
		t.Errorf("got %s", describe(res, body))
	}
}
