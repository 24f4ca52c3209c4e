package swagger_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/swaggo/swag"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/swagger"
)

const testTemplate = `{
    "swagger": "2.0",
    "info": {"title": "{{.Title}}", "version": "{{.Version}}"},
    "host": "{{.Host}}",
    "basePath": "{{.BasePath}}",
    "paths": {},
    "securityDefinitions": {
        "Implicit": {
            "type": "oauth2",
            "flow": "implicit",
            "authorizationUrl": "https://YOUR_TENANT.auth0.com/authorize",
            "scopes": {"openid": "OpenID sign-in"}
        },
        "PKCE": {
            "type": "oauth2",
            "flow": "accessCode",
            "authorizationUrl": "https://YOUR_TENANT.auth0.com/authorize",
            "tokenUrl": "https://YOUR_TENANT.auth0.com/oauth/token",
            "scopes": {}
        },
        "ApiKey": {"type": "apiKey", "name": "X-Key", "in": "header"}
    }
}`

func newSpec(name string) *swag.Spec {
	return &swag.Spec{
		Version:          "1.0",
		Title:            "Test API",
		InfoInstanceName: name,
		SwaggerTemplate:  testTemplate,
	}
}

func newAuth(t *testing.T, domain string) *auth0gin.Auth0 {
	t.Helper()
	a, err := auth0gin.New(auth0gin.Config{
		Domain:   domain,
		Audience: []string{"https://api.example/", "https://other.example/"},
		ClientID: "spa-client-123",
		Scopes:   map[string]string{"read:messages": "Read messages", "openid": "declared"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func newServer(t *testing.T, h gin.HandlerFunc) *httptest.Server {
	t.Helper()
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.GET("/docs/*any", h)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, srv *httptest.Server, path string) (*http.Response, string) {
	t.Helper()
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

type secDef struct {
	Type             string            `json:"type"`
	Flow             string            `json:"flow"`
	AuthorizationURL string            `json:"authorizationUrl"`
	TokenURL         string            `json:"tokenUrl"`
	Scopes           map[string]string `json:"scopes"`
}

func readDefs(t *testing.T, body string) map[string]secDef {
	t.Helper()
	var doc struct {
		SecurityDefinitions map[string]secDef `json:"securityDefinitions"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("doc.json is not JSON: %v\n%s", err, body)
	}
	return doc.SecurityDefinitions
}

func TestSpecPointsAtTenant(t *testing.T) {
	srv := newServer(t, swagger.Handler(newAuth(t, "https://tenant.eu.auth0.com"), newSpec(t.Name())))
	res, body := get(t, srv, "/docs/doc.json")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("doc.json: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	defs := readDefs(t, body)
	wantAuthorize := "https://tenant.eu.auth0.com/authorize?audience=" + url.QueryEscape("https://api.example/")
	for _, name := range []string{"Implicit", "PKCE"} {
		d := defs[name]
		if d.AuthorizationURL != wantAuthorize {
			t.Errorf("%s authorizationUrl = %q, want %q", name, d.AuthorizationURL, wantAuthorize)
		}
		if d.Scopes["read:messages"] != "Read messages" {
			t.Errorf("%s scopes = %v, want the declared read:messages", name, d.Scopes)
		}
	}
	if got := defs["PKCE"].TokenURL; got != "https://tenant.eu.auth0.com/oauth/token" {
		t.Errorf("PKCE tokenUrl = %q", got)
	}
	if got := defs["Implicit"].Scopes["openid"]; got != "OpenID sign-in" {
		t.Errorf("the spec's own scope description was replaced: %q", got)
	}
	if d := defs["ApiKey"]; d.AuthorizationURL != "" || d.Scopes != nil {
		t.Errorf("a non-OAuth2 definition was changed: %+v", d)
	}
	if strings.Contains(body, "YOUR_TENANT") {
		t.Errorf("placeholder tenant left in the spec:\n%s", body)
	}
}

func TestAudienceOption(t *testing.T) {
	srv := newServer(t, swagger.Handler(newAuth(t, "http://127.0.0.1:4000"), newSpec(t.Name()),
		swagger.Audience("https://other.example/")))
	_, body := get(t, srv, "/docs/doc.json")
	want := "http://127.0.0.1:4000/authorize?audience=" + url.QueryEscape("https://other.example/")
	if got := readDefs(t, body)["Implicit"].AuthorizationURL; got != want {
		t.Errorf("authorizationUrl = %q, want %q", got, want)
	}
}

func TestUIConfiguresOAuth(t *testing.T) {
	srv := newServer(t, swagger.Handler(newAuth(t, "https://tenant.eu.auth0.com"), newSpec(t.Name()),
		swagger.Title("My API docs")))

	res, body := get(t, srv, "/docs/index.html")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "<title>My API docs</title>") {
		t.Fatalf("index.html: %d\n%s", res.StatusCode, body)
	}
	res, body = get(t, srv, "/docs/swagger-initializer.js")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("swagger-initializer.js: %d", res.StatusCode)
	}
	for _, want := range []string{
		`clientId: defaultClientId`,
		`const defaultClientId = "spa-client-123"`,
		`usePkceWithAuthorizationCodeGrant: true`,
		`persistAuthorization: true`,
		`url: "doc.json"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("swagger-initializer.js lacks %q:\n%s", want, body)
		}
	}
	res, body = get(t, srv, "/docs/oauth2-redirect.html?code=abc&state=xyz")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "swaggerUIRedirectOauth2") {
		t.Errorf("oauth2-redirect.html: %d\n%.200s", res.StatusCode, body)
	}
	res, _ = get(t, srv, "/docs/swagger-ui-bundle.js")
	if res.StatusCode != http.StatusOK {
		t.Errorf("swagger-ui-bundle.js: %d", res.StatusCode)
	}
	res, _ = get(t, srv, "/docs/")
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusFound || loc != "/docs/index.html" {
		t.Errorf("/docs/: %d Location %q", res.StatusCode, loc)
	}
}

// Two handlers in one process, on different paths and tenants, must not
// share state: gin-swagger's own file handler is package-level.
func TestTwoHandlers(t *testing.T) {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	spec := newSpec(t.Name())
	r.GET("/a/*any", swagger.Handler(newAuth(t, "https://a.auth0.com"), spec))
	r.GET("/b/*any", swagger.Handler(newAuth(t, "https://b.auth0.com"), spec))
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	for _, tc := range []struct{ prefix, tenant string }{{"/a", "https://a.auth0.com/"}, {"/b", "https://b.auth0.com/"}} {
		res, _ := get(t, srv, tc.prefix+"/oauth2-redirect.html")
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s/oauth2-redirect.html: %d", tc.prefix, res.StatusCode)
		}
		_, body := get(t, srv, tc.prefix+"/doc.json")
		if got := readDefs(t, body)["PKCE"].TokenURL; got != tc.tenant+"oauth/token" {
			t.Errorf("%s tokenUrl = %q", tc.prefix, got)
		}
	}
}

func TestConcurrentRequests(t *testing.T) {
	srv := newServer(t, swagger.Handler(newAuth(t, "https://tenant.eu.auth0.com"), newSpec(t.Name())))
	done := make(chan struct{})
	for range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			res, err := srv.Client().Get(srv.URL + "/docs/doc.json")
			if err == nil {
				res.Body.Close()
			}
		}()
	}
	for range 8 {
		<-done
	}
}

func TestMethodNotAllowed(t *testing.T) {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Any("/docs/*any", swagger.Handler(newAuth(t, "https://tenant.eu.auth0.com"), newSpec(t.Name())))
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/docs/doc.json", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", w.Code)
	}
}

func TestBadSpecPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a spec that is not JSON")
		}
	}()
	spec := newSpec(t.Name())
	spec.SwaggerTemplate = "not json"
	swagger.Handler(newAuth(t, "https://tenant.eu.auth0.com"), spec)
}
