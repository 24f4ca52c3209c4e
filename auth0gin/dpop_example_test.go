package auth0gin_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// A route that requires DPoP (RFC 9449) refuses a Bearer token, with the
// DPoP challenge and the proof algorithms it accepts. A DPoP client sends
// `Authorization: DPoP <token>` and a `DPoP` proof instead.
func ExampleDPoP() {
	tenant := startTenant()
	defer tenant.Close()
	auth := auth0gin.MustNew(auth0gin.Config{
		Domain:         tenant.URL,
		Audience:       []string{devtenant.Audience},
		DPoPAlgorithms: []string{"ES256", "EdDSA"},
	})
	r := gin.New()
	r.GET("/api/transfer", auth.Require(auth0gin.DPoP("required")), func(c *gin.Context) {
		c.String(http.StatusOK, "sent")
	})

	rec := get(r, "/api/transfer", mint(tenant))
	fmt.Println(rec.Code)
	fmt.Println(rec.Header().Get("WWW-Authenticate"))
	// Output:
	// 401
	// DPoP realm="https://auth0gin.example/api", error="invalid_token", error_description="a DPoP-bound token and proof are required", algs="ES256 EdDSA"
}

// VerifyRequest checks a request's token as the guards do, outside them:
// Bearer, or DPoP with its proof.
func ExampleAuth0_VerifyRequest() {
	tenant := startTenant()
	defer tenant.Close()
	auth := auth0gin.MustNew(auth0gin.Config{Domain: tenant.URL, Audience: []string{devtenant.Audience}})

	req := httptest.NewRequest(http.MethodGet, "/ws", nil)
	req.Header.Set("Authorization", "Bearer "+mint(tenant))
	u, err := auth.VerifyRequest(req)
	fmt.Println(u.ID, err)
	// Output: auth0|alice <nil>
}
