package session_test

import (
	"context"
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
	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
)

// An API whose routes accept an access token or the session cookie that
// POST /auth/session trades it for. The tenant is the embedded dev tenant;
// with a real one, only auth0gin.FromEnv() changes.
func ExampleNew() {
	ctx := context.Background()
	tenant, auth, st, done := exampleSetup()
	defer done()
	sess, err := session.New(ctx, auth, st, session.Config{}) // or session.FromEnv()
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()
	auth.Attach(sess) // the guards accept the session cookie

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	api := auth.Router(r)
	sess.Mount(api) // POST /auth/session, /auth/ping, /auth/logout, documented
	api.GET("/api/messages", auth.RequireScopes("read:messages"), func(c *gin.Context) {
		c.String(http.StatusOK, "hello %s", *auth0gin.MustUser(c).Email)
	})
	srv := httptest.NewServer(r)
	defer srv.Close()

	// The SPA sends its token once...
	token, err := tenant.IssueToken(ctx, devtenant.TokenRequest{User: devtenant.Alice.Email})
	if err != nil {
		log.Fatal(err)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/auth/session", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	res.Body.Close()
	cookie := res.Cookies()[0]
	fmt.Println("login:", res.StatusCode, cookie.Name, cookie.HttpOnly)

	// ...and then calls the API with the cookie alone.
	call := func(method, path string) *http.Response {
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		req.AddCookie(cookie)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		defer res.Body.Close()
		return res
	}
	fmt.Println("messages:", call("GET", "/api/messages").StatusCode)
	fmt.Println("logout:", call("POST", "/auth/logout").StatusCode)
	fmt.Println("after logout:", call("GET", "/api/messages").StatusCode)
	// Output:
	// login: 200 auth0gin_session true
	// messages: 200
	// logout: 204
	// after logout: 401
}

// A cross-origin browser request that tries to use the cookie for an unsafe
// method is refused, unless its origin is trusted.
func ExampleConfig_trustedOrigins() {
	ctx := context.Background()
	tenant, auth, st, done := exampleSetup()
	defer done()
	sess, err := session.New(ctx, auth, st, session.Config{TrustedOrigins: []string{"https://app.example.com"}})
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.POST("/auth/session", sess.Login)
	r.POST("/auth/ping", sess.Ping)

	token, _ := tenant.IssueToken(ctx, devtenant.TokenRequest{User: devtenant.Alice.Email})
	login := httptest.NewRequest("POST", "/auth/session", nil)
	login.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, login)
	cookie := w.Result().Cookies()[0]

	for _, origin := range []string{"https://app.example.com", "https://evil.example"} {
		ping := httptest.NewRequest("POST", "/auth/ping", nil)
		ping.AddCookie(cookie)
		ping.Header.Set("Sec-Fetch-Site", "cross-site")
		ping.Header.Set("Origin", origin)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, ping)
		fmt.Println(strings.TrimSpace(fmt.Sprint(origin, " ", w.Code, " ", w.Body.String())))
	}
	// Output:
	// https://app.example.com 204
	// https://evil.example 403 {"error":"csrf_rejected","error_description":"cross-origin request refused: the page's origin is not trusted to use the session cookie"}
}

// Another login flow (here, a token sent in a form field) verifies its
// credential itself and hands the user to StartSession, which runs OnLogin
// and sets the cookie. Package login's password login does the same when
// login.Config.Sessions is the manager.
func ExampleManager_StartSession() {
	ctx := context.Background()
	tenant, auth, st, done := exampleSetup()
	defer done()
	sess, err := session.New(ctx, auth, st, session.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.POST("/login/form", func(c *gin.Context) {
		u, err := auth.Verify(c.Request.Context(), c.PostForm("access_token"))
		if err != nil {
			c.AbortWithStatus(http.StatusUnauthorized)
			return
		}
		if err := sess.StartSession(c, u); err != nil {
			c.AbortWithStatus(http.StatusServiceUnavailable)
			return
		}
		c.Status(http.StatusNoContent)
	})

	token, _ := tenant.IssueToken(ctx, devtenant.TokenRequest{User: devtenant.Alice.Email})
	req := httptest.NewRequest("POST", "/login/form", strings.NewReader(url.Values{"access_token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	fmt.Println(w.Code, w.Result().Cookies()[0].Name)
	// Output: 204 __Host-auth0gin_session
}

// exampleSetup starts the embedded dev tenant, an Auth0 trusting it and an
// in-memory SQLite store (an app opens Config.StoreURL instead).
func exampleSetup() (*devtenant.Server, *auth0gin.Auth0, store.Store, func()) {
	tenant, err := devtenant.Listen("127.0.0.1:0", devtenant.Default())
	if err != nil {
		log.Fatal(err)
	}
	auth := auth0gin.MustNew(auth0gin.Config{
		Domain:     strings.TrimSuffix(tenant.URL, "/"),
		Audience:   []string{devtenant.Audience},
		EmailClaim: devtenant.EmailClaim,
	})
	st, err := store.Open(context.Background(), "")
	if err != nil {
		log.Fatal(err)
	}
	return tenant, auth, st, func() {
		_ = st.Close()
		_ = tenant.Close()
	}
}
