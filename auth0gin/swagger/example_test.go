package swagger_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/swaggo/swag"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/swagger"
)

// SwaggerInfo stands for the docs.SwaggerInfo that `swag init` generates.
var SwaggerInfo = &swag.Spec{
	Title:            "Example API",
	InfoInstanceName: "example",
	SwaggerTemplate: `{"swagger": "2.0", "info": {"title": "{{.Title}}"}, "paths": {},
		"securityDefinitions": {"Auth0PKCE": {"type": "oauth2", "flow": "accessCode",
		"authorizationUrl": "https://YOUR_TENANT/authorize", "tokenUrl": "https://YOUR_TENANT/oauth/token"}}}`,
}

func Example() {
	auth := auth0gin.MustNew(auth0gin.Config{
		Domain:   "tenant.eu.auth0.com",
		Audience: []string{"https://api.example.com"},
		ClientID: "your-spa-client-id",
		Scopes:   map[string]string{"read:messages": "Read messages"},
	})

	r := gin.New()
	r.GET("/docs/*any", swagger.Handler(auth, SwaggerInfo))

	// Swagger UI is at /docs/index.html; its spec now names the tenant.
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/docs/doc.json", nil))
	for _, line := range strings.Split(w.Body.String(), "\n") {
		if strings.Contains(line, "Url") {
			fmt.Println(strings.TrimSpace(line))
		}
	}
	// Output:
	// "authorizationUrl": "https://tenant.eu.auth0.com/authorize?audience=https%3A%2F%2Fapi.example.com",
	// "tokenUrl": "https://tenant.eu.auth0.com/oauth/token",
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
