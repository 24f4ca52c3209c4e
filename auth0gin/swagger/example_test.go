package swagger_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/swaggo/swag"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/swagger"
)

// SwaggerInfo stands for the docs.SwaggerInfo that `swag init` generates
// from annotations with no security lines at all.
var SwaggerInfo = &swag.Spec{
	Title:            "Example API",
	InfoInstanceName: "example",
	SwaggerTemplate: `{"swagger": "2.0", "info": {"title": "{{.Title}}"}, "paths": {
		"/api/messages": {"get": {"responses": {"200": {"description": "OK"}}}}}}`,
}

func Example() {
	auth := auth0gin.MustNew(auth0gin.Config{
		Domain:   "tenant.eu.auth0.com",
		Audience: []string{"https://api.example.com"},
		ClientID: "your-spa-client-id",
		Scopes:   map[string]string{"read:messages": "Read messages"},
	})

	r := gin.New()
	api := auth.Router(r) // routes registered on api are documented
	api.GET("/api/messages", auth.RequireScopes("read:messages"), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": auth0gin.MustUser(c).ID})
	})
	r.GET("/docs/*any", swagger.Handler(auth, SwaggerInfo))

	// Swagger UI is at /docs/index.html; its spec names the tenant and says
	// what the route requires.
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/docs/doc.json", nil))
	var doc struct {
		Definitions map[string]struct {
			Flow, AuthorizationURL, TokenURL string
			Scopes                           map[string]string
		} `json:"securityDefinitions"`
		Paths map[string]map[string]struct {
			Security  []map[string][]string
			Responses map[string]any
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		panic(err)
	}
	for _, name := range []string{"Auth0ImplicitBearer", "Auth0PKCE"} {
		d := doc.Definitions[name]
		fmt.Println(name, d.Flow, d.AuthorizationURL, d.TokenURL, d.Scopes)
	}
	op := doc.Paths["/api/messages"]["get"]
	fmt.Println(op.Security)
	fmt.Println(slices.Sorted(maps.Keys(op.Responses)))
	// Output:
	// Auth0ImplicitBearer implicit https://tenant.eu.auth0.com/authorize?audience=https%3A%2F%2Fapi.example.com  map[email:OpenID Connect: the user's email address at /userinfo openid:OpenID Connect: identify the user (sub); needed for /userinfo profile:OpenID Connect: the user's name, nickname and picture at /userinfo read:messages:Read messages]
	// Auth0PKCE accessCode https://tenant.eu.auth0.com/authorize?audience=https%3A%2F%2Fapi.example.com https://tenant.eu.auth0.com/oauth/token map[email:OpenID Connect: the user's email address at /userinfo openid:OpenID Connect: identify the user (sub); needed for /userinfo profile:OpenID Connect: the user's name, nickname and picture at /userinfo read:messages:Read messages]
	// [map[Auth0ImplicitBearer:[read:messages]] map[Auth0PKCE:[read:messages]]]
	// [200 401 403]
}

// The UI's Content-Security-Policy lets it call its own origin and the
// tenant; ConnectSrc adds the API's origin when another host serves it.
func ExampleConnectSrc() {
	auth := auth0gin.MustNew(auth0gin.Config{
		Domain:   "tenant.eu.auth0.com",
		Audience: []string{"https://api.example.com"},
		ClientID: "your-spa-client-id",
	})
	r := gin.New()
	r.GET("/docs/*any", swagger.Handler(auth, SwaggerInfo, swagger.ConnectSrc("https://api.example.com")))

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/docs/index.html", nil))
	for _, d := range strings.Split(w.Header().Get("Content-Security-Policy"), "; ") {
		if strings.HasPrefix(d, "connect-src") {
			fmt.Println(d)
		}
	}
	fmt.Println(w.Header().Get("X-Frame-Options"), w.Header().Get("Referrer-Policy"))
	// Output:
	// connect-src 'self' https://tenant.eu.auth0.com https://api.example.com
	// DENY no-referrer
}
