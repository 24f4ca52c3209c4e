package devtenant_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// quiet keeps the examples' output clean.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// A tenant is an http.Handler: mount it on an httptest.Server (or any mux)
// whose URL is the issuer.
func ExampleNew() {
	var tenant *devtenant.Tenant
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tenant.ServeHTTP(w, r) }))
	defer srv.Close()

	cfg := devtenant.Default()
	cfg.Issuer = srv.URL // the trailing slash is added
	cfg.Logger = quiet
	tenant, err := devtenant.New(cfg)
	if err != nil {
		panic(err)
	}

	res, err := http.PostForm(srv.URL+"/oauth/token", url.Values{
		"grant_type": {"password"}, "client_id": {devtenant.SPAClient.ID},
		"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password},
		"audience": {devtenant.Audience}, "scope": {"read:messages"},
	})
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	var body map[string]any
	json.NewDecoder(res.Body).Decode(&body)
	fmt.Println(res.StatusCode, body["token_type"], body["expires_in"], body["scope"])
	fmt.Println(strings.HasSuffix(tenant.Issuer(), "/"))
	// Output:
	// 200 Bearer 86400 read:messages
	// true
}

// Listen serves a tenant on a real port, as cmd/devtenant does.
func ExampleListen() {
	cfg := devtenant.Default()
	cfg.Logger = quiet
	srv, err := devtenant.Listen("127.0.0.1:0", cfg)
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	res, err := http.Get(srv.URL + ".well-known/openid-configuration")
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	var d struct {
		Issuer string `json:"issuer"`
	}
	json.NewDecoder(res.Body).Decode(&d)
	fmt.Println(d.Issuer == srv.URL)
	// Output: true
}

func newExampleTenant() *devtenant.Tenant {
	cfg := devtenant.Default()
	cfg.Issuer = "http://127.0.0.1:4000/"
	cfg.Logger = quiet
	t, err := devtenant.New(cfg)
	if err != nil {
		panic(err)
	}
	return t
}

// IssueToken mints the token the token endpoint would, without HTTP.
func ExampleTenant_IssueToken() {
	t := newExampleTenant()
	tok, err := t.IssueToken(context.Background(), devtenant.TokenRequest{
		User:   devtenant.Bob.Email,
		Scopes: []string{"read:messages"},
		// Bob holds no permissions; grant this one for the token.
		Permissions: []string{"read:messages"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.Count(tok, "."))
	// Output: 2
}

// RotateKeys and RevokeKey walk the keys through current, next and previous.
func ExampleTenant_RotateKeys() {
	t := newExampleTenant()
	cur, next, _ := t.Keys()
	t.RotateKeys()
	cur2, _, prev := t.Keys()
	fmt.Println(cur2 == next, prev == cur)
	fmt.Println(t.RevokeKey(prev) == nil)
	// Output:
	// true true
	// true
}

// FailNext injects Auth0's rate-limit answer.
func ExampleTenant_FailNext() {
	t := newExampleTenant()
	t.FailNext(1)
	rec := httptest.NewRecorder()
	t.ServeHTTP(rec, httptest.NewRequest("GET", "/.well-known/jwks.json", nil))
	fmt.Println(rec.Code, rec.Header().Get("X-RateLimit-Remaining"))
	fmt.Print(rec.Body.String())
	// Output:
	// 429 0
	// {"error":"too_many_requests","error_description":"Too many requests. Check the X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers."}
}

// Default is the tenant the example app and auth0test use.
func ExampleDefault() {
	cfg := devtenant.Default()
	for _, c := range cfg.Clients {
		fmt.Println(c.ID, c.Type)
	}
	for _, u := range cfg.Users {
		fmt.Println(u.Email, u.Permissions[devtenant.Audience])
	}
	// Output:
	// auth0gin-swagger-ui spa
	// auth0gin-m2m non_interactive
	// auth0gin-regular-web regular_web
	// alice@example.com [read:messages write:messages]
	// bob@example.com []
}

// Stats lets a test prove what reached the tenant: here one refresh, then a
// reuse that revoked the family, so the newest refresh token is refused too.
func ExampleTenant_Stats() {
	var tenant *devtenant.Tenant
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tenant.ServeHTTP(w, r) }))
	defer srv.Close()
	cfg := devtenant.Default()
	cfg.Issuer, cfg.Logger = srv.URL, quiet
	tenant, _ = devtenant.New(cfg)

	token := func(form url.Values) map[string]any {
		form.Set("client_id", devtenant.RegularClient.ID)
		form.Set("client_secret", devtenant.RegularClient.Secret)
		res, err := http.PostForm(srv.URL+"/oauth/token", form)
		if err != nil {
			panic(err)
		}
		defer res.Body.Close()
		var body map[string]any
		json.NewDecoder(res.Body).Decode(&body)
		return body
	}
	login := token(url.Values{"grant_type": {"password"}, "username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password},
		"audience": {devtenant.Audience}, "scope": {"offline_access"}})
	first := login["refresh_token"].(string)
	second := token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first}})["refresh_token"].(string)
	token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first}}) // reuse

	fmt.Println(tenant.Stats().Grants["refresh_token"], tenant.Stats().RefreshReuseRevocations)
	fmt.Println(token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {second}})["error"])
	// Output:
	// 1 1
	// invalid_grant
}

// CheckLoopback is the rule cmd/devtenant and the example apply before they
// listen.
func ExampleCheckLoopback() {
	fmt.Println(devtenant.CheckLoopback("127.0.0.1:4000"))
	fmt.Println(devtenant.CheckLoopback("0.0.0.0:4000"))
	// Output:
	// <nil>
	// devtenant: 0.0.0.0:4000 is not a loopback address
}
