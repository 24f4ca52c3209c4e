package auth0gin_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// startTenant runs the local Auth0-compatible dev tenant the examples trust,
// so they run offline. In an app, the tenant is your Auth0 tenant.
func startTenant() *devtenant.Server {
	cfg := devtenant.Default()
	cfg.Logger = slog.New(slog.DiscardHandler)
	srv, err := devtenant.Listen("127.0.0.1:0", cfg)
	if err != nil {
		log.Fatal(err)
	}
	return srv
}

// mint gets an access token for alice granted exactly these permissions.
func mint(srv *devtenant.Server, permissions ...string) string {
	granted := append([]string{}, permissions...) // not nil: nil would mean "alice's own"
	tok, err := srv.IssueToken(context.Background(), devtenant.TokenRequest{
		User: devtenant.Alice.Email, Permissions: granted, Scopes: granted,
	})
	if err != nil {
		log.Fatal(err)
	}
	return tok
}

func get(h http.Handler, path, token string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func ExampleNew() {
	tenant := startTenant()
	defer tenant.Close()

	auth, err := auth0gin.New(auth0gin.Config{
		Domain:     tenant.URL, // "tenant.eu.auth0.com" for a real tenant
		Audience:   []string{devtenant.Audience},
		EmailClaim: devtenant.EmailClaim,
	})
	if err != nil {
		log.Fatal(err)
	}
	user, err := auth.Verify(context.Background(), mint(tenant, "read:messages"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(user.ID, *user.Email, user.Permissions)

	_, err = auth0gin.New(auth0gin.Config{Domain: "http://tenant.eu.auth0.com", Audience: []string{"https://api"}})
	fmt.Println(errors.Is(err, auth0gin.ErrConfig))
	// Output:
	// auth0|alice alice@example.com [read:messages]
	// true
}

func ExampleFromEnv() {
	os.Setenv("AUTH0_DOMAIN", "tenant.eu.auth0.com")
	os.Setenv("AUTH0_API_AUDIENCE", "https://api.example.com")
	defer os.Unsetenv("AUTH0_DOMAIN")
	defer os.Unsetenv("AUTH0_API_AUDIENCE")

	auth := auth0gin.MustNew(auth0gin.FromEnv()) // reads .env too, when present
	fmt.Println(auth.Config().Issuers)
	fmt.Println(auth.Config().Audience)
	// Output:
	// [https://tenant.eu.auth0.com/]
	// [https://api.example.com]
}

func ExampleAuth0_RequireScopes() {
	tenant := startTenant()
	defer tenant.Close()
	auth := auth0gin.MustNew(auth0gin.Config{Domain: tenant.URL, Audience: []string{devtenant.Audience}})

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/api/private", auth.RequireScopes(), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": auth0gin.MustUser(c).ID})
	})
	r.GET("/api/private-scoped", auth.RequireScopes("read:messages"), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": auth0gin.MustUser(c).ID})
	})

	noToken := get(r, "/api/private", "")
	fmt.Println(noToken.Code, noToken.Header().Get("WWW-Authenticate"))

	noScope := get(r, "/api/private-scoped", mint(tenant))
	fmt.Println(noScope.Code, noScope.Header().Get("WWW-Authenticate"))

	ok := get(r, "/api/private-scoped", mint(tenant, "read:messages"))
	fmt.Print(ok.Code, " ", ok.Body.String())
	// Output:
	// 401 Bearer realm="https://auth0gin.example/api"
	// 403 Bearer realm="https://auth0gin.example/api", error="insufficient_scope", error_description="missing scope read:messages", scope="read:messages"
	// 200 {"user":"auth0|alice"}
}

// greeting stands for code below the handler, a service or a GraphQL
// resolver, that only has a context.Context.
func greeting(ctx context.Context) string {
	user, ok := auth0gin.UserFrom(ctx)
	if !ok {
		return "hello, guest"
	}
	if user.Email == nil {
		return "hello, " + user.ID
	}
	return "hello, " + *user.Email
}

func ExampleUserFrom() {
	tenant := startTenant()
	defer tenant.Close()
	auth := auth0gin.MustNew(auth0gin.Config{
		Domain: tenant.URL, Audience: []string{devtenant.Audience}, EmailClaim: devtenant.EmailClaim,
	})

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/hello", auth.Require(auth0gin.Optional()), func(c *gin.Context) {
		c.String(http.StatusOK, greeting(c.Request.Context()))
	})
	fmt.Println(get(r, "/hello", "").Body.String())
	fmt.Println(get(r, "/hello", mint(tenant)).Body.String())
	// Output:
	// hello, guest
	// hello, alice@example.com
}

// PlanClaims are claims an Auth0 Action adds that the Auth0User has no field
// for. Validate makes a plan required.
type PlanClaims struct {
	Plan  string   `json:"https://example.com/plan"`
	Roles []string `json:"https://example.com/roles"`
}

// Validate implements auth0gin.ClaimsValidator.
func (p *PlanClaims) Validate(context.Context) error {
	if p.Plan == "" {
		return errors.New("no subscription plan")
	}
	return nil
}

func ExampleRequireClaims() {
	tenant := startTenant()
	defer tenant.Close()
	auth := auth0gin.MustNew(auth0gin.Config{Domain: tenant.URL, Audience: []string{devtenant.Audience}})

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/reports", auth0gin.RequireClaims[PlanClaims](auth, auth0gin.Scopes("read:messages")), func(c *gin.Context) {
		claims, _ := auth0gin.ClaimsFrom[PlanClaims](c)
		c.String(http.StatusOK, "%s %v", claims.Plan, claims.Roles)
	})

	withPlan, err := tenant.IssueToken(context.Background(), devtenant.TokenRequest{
		User: devtenant.Alice.Email, Claims: map[string]any{"https://example.com/plan": "pro"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(get(r, "/reports", withPlan).Body.String())
	fmt.Println(get(r, "/reports", mint(tenant, "read:messages")).Code)
	// Output:
	// pro [admin]
	// 401
}

// TeamClaims refuses tokens without a team, and tells the caller why.
type TeamClaims struct {
	Team string `json:"https://example.com/team"`
}

// Validate implements auth0gin.ClaimsValidator. Its *ClaimsError opts in to
// showing the description; a plain error would answer "invalid claims".
func (t *TeamClaims) Validate(context.Context) error {
	if t.Team == "" {
		return &auth0gin.ClaimsError{Description: "this route needs a team token"}
	}
	return nil
}

func ExampleClaimsError() {
	tenant := startTenant()
	defer tenant.Close()
	auth := auth0gin.MustNew(auth0gin.Config{Domain: tenant.URL, Audience: []string{devtenant.Audience}})

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/team", auth0gin.RequireClaims[TeamClaims](auth), func(c *gin.Context) {
		claims, _ := auth0gin.ClaimsFrom[TeamClaims](c)
		c.String(http.StatusOK, "team %s", claims.Team)
	})

	rec := get(r, "/team", mint(tenant, "read:messages"))
	fmt.Println(rec.Code, rec.Body.String())
	// Output:
	// 401 {"error":"invalid_token","error_description":"this route needs a team token"}
}

func ExampleAuth0_Middleware() {
	tenant := startTenant()
	defer tenant.Close()
	auth := auth0gin.MustNew(auth0gin.Config{Domain: tenant.URL, Audience: []string{devtenant.Audience}})

	mux := http.NewServeMux()
	protect := auth.Middleware(auth0gin.Scopes("read:messages"))
	mux.Handle("GET /api/messages", protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "messages for", auth0gin.MustUser(r.Context()).ID)
	})))
	fmt.Print(get(mux, "/api/messages", mint(tenant, "read:messages")).Body.String())
	fmt.Println(get(mux, "/api/messages", "not-a-token").Code)
	// Output:
	// messages for auth0|alice
	// 401
}

// A TokenCache shared by several instances (Redis, memcached) stores each
// verified user as the bytes of MarshalBinary and decodes them on a hit;
// Verify then re-checks the decoded user against its own Config.
func ExampleAuth0User_MarshalBinary() {
	tenant := startTenant()
	defer tenant.Close()
	auth := auth0gin.MustNew(auth0gin.Config{
		Domain: tenant.URL, Audience: []string{devtenant.Audience}, EmailClaim: devtenant.EmailClaim,
	})
	user, err := auth.Verify(context.Background(), mint(tenant, "read:messages"))
	if err != nil {
		log.Fatal(err)
	}

	stored, err := user.MarshalBinary() // what the cache's Set keeps, under a hash of the token
	if err != nil {
		log.Fatal(err)
	}
	var hit auth0gin.Auth0User // what its Get returns
	if err := hit.UnmarshalBinary(stored); err != nil {
		log.Fatal(err) // bytes it did not write: report a miss
	}
	fmt.Println(hit.ID, *hit.Email, hit.Permissions, hit.ExpiresAt.Equal(user.ExpiresAt))
	fmt.Println(new(auth0gin.Auth0User).UnmarshalBinary([]byte("garbage")) != nil)
	// Output:
	// auth0|alice alice@example.com [read:messages] true
	// true
}
