package session_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/session"
)

// Device login for a command-line tool: the CLI starts it, shows the user
// the verification URI, and polls with its poll_id until the user has
// approved in a browser; the approved poll answers the session cookie.
func ExampleManager_Device() {
	ctx := context.Background()
	_, auth, st, done := exampleSetup()
	defer done()
	sess, err := session.New(ctx, auth, st, session.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()
	auth.Attach(sess)
	dev, err := sess.Device(session.DeviceConfig{
		ClientID: devtenant.SPAClient.ID, // at Auth0: a Native application with the Device Code grant
		Scopes:   []string{"openid", "email", "read:messages"},
	})
	if err != nil {
		log.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	dev.Mount(auth.Router(r)) // POST /auth/device, /auth/device/poll
	api := httptest.NewServer(r)
	defer api.Close()

	// The CLI, with nothing but an HTTP client.
	post := func(path, body string) (int, map[string]any) {
		res, err := http.Post(api.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			log.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(res.Body).Decode(&m)
		return res.StatusCode, m
	}
	status, start := post("/auth/device", "")
	_, hasDeviceCode := start["device_code"]
	fmt.Println("start:", status, start["interval"], hasDeviceCode)
	// The user opens start["verification_uri_complete"] and approves; until
	// then, every `interval` seconds:
	status, answer := post("/auth/device/poll", `{"poll_id":"`+start["poll_id"].(string)+`"}`)
	fmt.Println("poll:", status, answer["error"])
	// Output:
	// start: 200 5 false
	// poll: 400 authorization_pending
}

// Opaque access tokens, asked for without an audience, open a session when
// Config.OpaqueTokens is set: /userinfo vouches for the user, who gets no
// permissions.
func ExampleOpaqueConfig() {
	ctx := context.Background()
	tenant, auth, st, done := exampleSetup()
	defer done()
	sess, err := session.New(ctx, auth, st, session.Config{OpaqueTokens: &session.OpaqueConfig{}})
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()
	auth.Attach(sess)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.POST("/auth/session", sess.Login)
	r.GET("/api/me", auth.RequireScopes(), func(c *gin.Context) { c.String(http.StatusOK, *auth0gin.MustUser(c).Email) })
	r.GET("/api/messages", auth.RequireScopes("read:messages"), func(c *gin.Context) {})
	api := httptest.NewServer(r)
	defer api.Close()

	// A token for no API: the tenant answers an opaque one.
	res, err := http.PostForm(tenant.URL+"oauth/token", url.Values{"grant_type": {"password"}, "client_id": {devtenant.SPAClient.ID},
		"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}, "scope": {"openid email"}})
	if err != nil {
		log.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()

	req, _ := http.NewRequest("POST", api.URL+"/auth/session", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	res.Body.Close()
	fmt.Println("login:", res.StatusCode)
	for _, path := range []string{"/api/me", "/api/messages"} {
		req, _ := http.NewRequest("GET", api.URL+path, nil)
		req.AddCookie(res.Cookies()[0])
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		r.Body.Close()
		fmt.Println(path+":", r.StatusCode)
	}
	// Output:
	// login: 200
	// /api/me: 200
	// /api/messages: 403
}
