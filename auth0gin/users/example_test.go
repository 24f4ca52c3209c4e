package users_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite" // registers the "sqlite" database/sql driver
	"github.com/auth0gin/auth0gin/auth0gin/users"
)

// A route that needs the caller's row: the guard verifies the token, the
// resolver finds or creates the row, and the handler reads it.
func Example() {
	ctx := context.Background()
	cfg := devtenant.Default()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	dev, err := devtenant.Listen("127.0.0.1:0", cfg) // stands for your Auth0 tenant
	if err != nil {
		panic(err)
	}
	defer dev.Close()
	auth := auth0gin.MustNew(auth0gin.Config{
		Domain: dev.URL, Audience: []string{devtenant.Audience}, EmailClaim: devtenant.EmailClaim,
	})

	st, err := users.OpenSQL(ctx, "", "") // SQLite in memory
	if err != nil {
		panic(err)
	}
	defer st.Close()
	res, err := users.New(context.Background(), nil, users.Config[users.User]{Store: st})
	if err != nil {
		panic(err)
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/api/me", auth.RequireScopes(), res.Require(), func(c *gin.Context) {
		u, _ := users.From[users.User](c)
		c.String(http.StatusOK, "row %d: %s %s", u.ID, u.Auth0ID, u.Email)
	})

	token, err := dev.IssueToken(ctx, devtenant.TokenRequest{User: devtenant.Alice.Email})
	if err != nil {
		panic(err)
	}
	for range 2 { // the first call creates the row, the second finds it
		req := httptest.NewRequest(http.MethodGet, "/api/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		fmt.Println(w.Code, w.Body)
	}
	// Output:
	// 200 row 1: auth0|alice alice@example.com
	// 200 row 1: auth0|alice alice@example.com
}

// Your own table: implement Store over your user type, and read that type
// back with From.
func ExampleStore() {
	type Account struct {
		ID      int
		Auth0ID string
		Email   string
	}
	var _ users.Store[Account] // your type's store: users.New(ctx, auth, users.Config[Account]{Store: accounts})
	fmt.Println("users.From[Account](ctx) returns your row")
	// Output: users.From[Account](ctx) returns your row
}

// Machine tokens resolve to a Machine principal, never to a row.
func ExampleMachineFrom() {
	ctx := users.WithCurrent(context.Background(), &users.Current[users.User]{
		Machine: &users.Machine{ClientID: "my-cron-job", Subject: "my-cron-job@clients"},
	})
	if m, ok := users.MachineFrom(ctx); ok {
		fmt.Println("machine", m.ClientID)
	}
	_, isUser := users.From[users.User](ctx)
	fmt.Println("user:", isUser)
	// Output:
	// machine my-cron-job
	// user: false
}

// The current user in the database of DATABASE_URL (a .env is read), with
// profiles from the Management API when AUTH0_M2M_CLIENT_ID is set, else
// from /userinfo: the blank import of store/sqlite or store/postgres
// registers the database/sql driver the URL needs.
func ExampleFromEnv() {
	ctx := context.Background()
	auth := auth0gin.MustNew(auth0gin.FromEnv())
	me, err := users.New(ctx, auth, users.FromEnv())
	if err != nil {
		log.Fatal(err)
	}
	defer me.Close()
	r := gin.New()
	r.GET("/api/me", auth.RequireScopes(), me.Require(), func(c *gin.Context) {
		u, _ := users.From[users.User](c)
		c.JSON(http.StatusOK, u)
	})
}

// During an Auth0 outage, let first requests through with a user built from
// the token's claims, persisted nowhere, instead of answering 503.
func ExampleConfig_transient() {
	res, err := users.New(context.Background(), nil, users.Config[users.User]{
		Transient: func(p users.Profile) users.User {
			return users.User{Auth0ID: p.Auth0ID, Email: p.Email, Name: p.Name}
		},
	})
	if err != nil {
		panic(err)
	}
	defer res.Close()
	fmt.Println(err)
	// Output: <nil>
}
