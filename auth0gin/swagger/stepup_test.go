package swagger_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/swaggo/swag"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/swagger"
)

const stepUpTemplate = `{
    "swagger": "2.0", "info": {"title": "{{.Title}}"}, "basePath": "/api",
    "paths": {
        "/messages/{id}": {"delete": {"description": "Deletes.", "responses": {"204": {"description": "gone"}}}},
        "/orgs/{org}/messages": {"get": {"responses": {"200": {"description": "OK"}}}},
        "/orgs/{org}/danger": {"post": {"responses": {"200": {"description": "OK"}}}}
    }
}`

// A step-up route documents its requirement (an extension, its
// description, its 401); an organization route likewise, with its 403.
func TestStepUpOperations(t *testing.T) {
	gin.SetMode(gin.TestMode)
	auth := newAuth(t, "https://tenant.eu.auth0.com")
	r := gin.New()
	api := auth.Router(r.Group("/api"))
	h := func(c *gin.Context) {}
	api.DELETE("/messages/:id", auth.Require(auth0gin.MaxAge(5*time.Minute), auth0gin.AuthContext("mfa")), h)
	api.GET("/orgs/:org/messages", auth.Require(auth0gin.Organization(":org")), h)
	api.POST("/orgs/:org/danger", auth.Require(auth0gin.Scopes("read:messages"), auth0gin.Organization(":org"), auth0gin.MaxAge(time.Minute)), h)
	spec := &swag.Spec{Title: "StepUp", InfoInstanceName: t.Name(), SwaggerTemplate: stepUpTemplate}
	mfa := "http://schemas.openid.net/pape/policies/2007/06/multi-factor"
	r.GET("/docs/*any", swagger.Handler(auth, spec, swagger.LoginParams(url.Values{"acr_values": {mfa}, "max_age": {"300"}})))

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/docs/doc.json", nil))
	var doc struct {
		Definitions map[string]secDef `json:"securityDefinitions"`
		Paths       map[string]map[string]struct {
			Description string
			Responses   map[string]struct {
				Description string
				Headers     map[string]struct{ Description string }
			}
			StepUp map[string]any `json:"x-auth0-step-up"`
			Org    map[string]any `json:"x-auth0-organization"`
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, w.Body)
	}
	del := doc.Paths["/messages/{id}"]["delete"]
	if del.StepUp["max_age"] != float64(300) || del.StepUp["acr_values"] != mfa || del.Org != nil {
		t.Errorf("x-auth0-step-up: %v, x-auth0-organization %v", del.StepUp, del.Org)
	}
	if !strings.HasPrefix(del.Description, "Deletes.\n\nStep-up (RFC 9470): requires a login within the last 300 seconds") {
		t.Errorf("description: %q", del.Description)
	}
	if res := del.Responses["401"]; !strings.Contains(res.Description, "insufficient_user_authentication") ||
		!strings.Contains(res.Headers["WWW-Authenticate"].Description, "acr_values and max_age") {
		t.Errorf("401: %+v", res)
	}
	if _, ok := del.Responses["403"]; ok {
		t.Error("a step-up route documents a 403")
	}
	orgs := doc.Paths["/orgs/{org}/messages"]["get"]
	if orgs.Org["parameter"] != "org" || orgs.StepUp != nil || !strings.Contains(orgs.Description, "organization in the path parameter org") {
		t.Errorf("org route: %+v", orgs)
	}
	if res := orgs.Responses["403"]; !strings.Contains(res.Headers["WWW-Authenticate"].Description, "invalid_organization") {
		t.Errorf("403: %+v", res)
	}
	danger := doc.Paths["/orgs/{org}/danger"]["post"]
	if res := danger.Responses["403"]; !strings.Contains(res.Description, "scope") || !strings.Contains(res.Description, "organization") {
		t.Errorf("danger 403: %+v", res)
	}
	if d := doc.Definitions["Auth0PKCE"]; !strings.Contains(d.AuthorizationURL, "acr_values="+url.QueryEscape(mfa)) || !strings.Contains(d.AuthorizationURL, "max_age=300") ||
		!strings.Contains(d.AuthorizationURL, "audience=") {
		t.Errorf("the login's parameters: %s", d.AuthorizationURL)
	}
	defer func() {
		if recover() == nil {
			t.Error("LoginParams took client_id")
		}
	}()
	swagger.LoginParams(url.Values{"client_id": {"x"}})
}
