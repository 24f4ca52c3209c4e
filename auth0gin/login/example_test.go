package login_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
)

// A password login, then a refresh with the access token, against a dev
// tenant: the browser never sees a refresh token.
func Example() {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	tcfg := devtenant.Default()
	tcfg.Logger = quiet
	tcfg.Dialect = "rfc9068" // tokens carry a jti, so each is new
	tenant, err := devtenant.Listen("127.0.0.1:0", tcfg)
	if err != nil {
		panic(err)
	}
	defer tenant.Close()

	auth := auth0gin.MustNew(auth0gin.Config{
		Domain: strings.TrimSuffix(tenant.URL, "/"), Audience: []string{devtenant.Audience}, Logger: quiet,
	})
	st, err := store.Open(ctx, "") // SQLite in memory; Redis or PostgreSQL for several instances
	if err != nil {
		panic(err)
	}
	defer st.Close()
	keys, err := login.ParseKeys("2026-11:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	if err != nil {
		panic(err)
	}
	lg, err := login.New(auth, st, login.Config{ // or login.FromEnv()
		ClientID:     devtenant.RegularClient.ID,
		ClientSecret: devtenant.RegularClient.Secret,
		Keys:         keys,
		Logger:       quiet,
	})
	if err != nil {
		panic(err)
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	api := auth.Router(r)
	lg.Mount(api)                       // POST /auth/login, /auth/refresh, documented
	api.POST("/auth/logout", lg.Logout) // no sessions: password login owns the logout

	send := func(path, bearer, body string) (int, login.Answer, string) {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		var a login.Answer
		_ = json.Unmarshal(w.Body.Bytes(), &a)
		return w.Code, a, w.Body.String()
	}
	code, first, body := send("/auth/login", "", `{"username":"alice@example.com","password":"alice-password"}`)
	fmt.Println("login:", code, first.TokenType, "refresh token in the answer:", strings.Contains(body, "refresh"))
	code, second, _ := send("/auth/refresh", first.AccessToken, "")
	fmt.Println("refresh:", code, "new token:", second.AccessToken != first.AccessToken)
	code, _, _ = send("/auth/logout", second.AccessToken, "")
	fmt.Println("logout:", code)
	code, _, body = send("/auth/refresh", second.AccessToken, "")
	fmt.Println("refresh after logout:", code, strings.Contains(body, `"error":"invalid_token"`))
	// Output:
	// login: 200 Bearer refresh token in the answer: false
	// refresh: 200 new token: true
	// logout: 204
	// refresh after logout: 401 true
}

// Keys come from AUTH0GIN_ENCRYPTION_KEYS: the first encrypts, the others
// still decrypt the rows they wrote.
func ExampleParseKeys() {
	keys, err := login.ParseKeys("new:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=,old:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	if err != nil {
		panic(err)
	}
	fmt.Println(keys) // ids only: a Keyring never prints a key
	// Output: login.Keyring["new" "old"]
}
