package swagger_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/swaggo/swag"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/apidoc"
	"github.com/auth0gin/auth0gin/auth0gin/swagger"
)

// The model types of a flow package: unexported, named for the API.
type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Remember bool   `json:"remember,omitempty"`
}

type address struct {
	City string `json:"city"`
}

type sessionInfo struct {
	User      string            `json:"user"`
	Expires   time.Time         `json:"expires_at"`
	Scopes    []string          `json:"scopes,omitempty"`
	Labels    map[string]int    `json:"labels,omitempty"`
	Home      *address          `json:"home,omitempty"`
	Offices   []address         `json:"offices"`
	Ignored   string            `json:"-"`
	Extra     map[string]string `json:"extra,omitzero"`
	unexposed int               // stays out of the model
}

func describedSpec(t *testing.T, template string) map[string]any {
	t.Helper()
	gin.SetMode(gin.TestMode)
	auth := newAuth(t, "https://tenant.eu.auth0.com")
	r := gin.New()
	api := auth.Router(r.Group("/api"))
	login := &apidoc.Doc{Summary: "Log in with a password", Tag: "login", Body: loginRequest{}, Form: true,
		Responses: []apidoc.Response{
			{Status: 200, Description: "Logged in", Model: sessionInfo{}, Headers: map[string]string{"Set-Cookie": "the session cookie"}},
			{Status: 401, Model: auth0gin.ErrorBody{}},
		}}
	api.POST("/auth/login", apidoc.Describe(login, func(*gin.Context) {}))
	ping := &apidoc.Doc{ID: "sessionPing", Summary: "Keep the session alive", Tag: "session",
		Responses: []apidoc.Response{{Status: 204}}}
	api.POST("/auth/ping/:id", auth.RequireScopes(), apidoc.Describe(ping, func(*gin.Context) {}))
	api.GET("/private-scoped", auth.RequireScopes("read:messages"), func(*gin.Context) {})
	spec := &swag.Spec{InfoInstanceName: t.Name(), SwaggerTemplate: template}
	r.GET("/docs/*any", swagger.Handler(auth, spec))
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/docs/doc.json", nil))
	var doc map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	// tests/openapi runs these tests with AUTH0GIN_SPEC_DUMP set, and
	// checks the specs with swagger-cli and spectral.
	if dir := os.Getenv("AUTH0GIN_SPEC_DUMP"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, t.Name()+".json"), w.Body.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return doc
}

func at(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

func TestDescribedOperationsSwagger2(t *testing.T) {
	_ = sessionInfo{unexposed: 1}
	doc := describedSpec(t, `{"swagger": "2.0", "info": {"title": "x", "version": "1"}, "host": "", "basePath": "/api",
		"definitions": {"Address": {"type": "object"}},
		"paths": {"/private-scoped": {"get": {"tags": ["messages"], "responses": {"200": {"description": "OK"}}}}}}`)
	if _, ok := doc["host"]; ok {
		t.Error("an empty host is kept")
	}
	if !reflect.DeepEqual(doc["schemes"], []any{"http"}) {
		t.Errorf("schemes = %v", doc["schemes"])
	}
	login := at(doc, "paths", "/auth/login", "post")
	if at(login, "summary") != "Log in with a password" || at(login, "operationId") != "postAuthLogin" ||
		!reflect.DeepEqual(at(login, "tags"), []any{"login"}) || at(login, "security") != nil ||
		!reflect.DeepEqual(at(login, "consumes"), []any{"application/json", "application/x-www-form-urlencoded"}) {
		t.Errorf("login = %v", login)
	}
	params, _ := at(login, "parameters").([]any)
	if len(params) != 1 || at(params[0], "in") != "body" || at(params[0], "schema", "$ref") != "#/definitions/LoginRequest" {
		t.Errorf("login parameters = %v", params)
	}
	if at(login, "responses", "200", "schema", "$ref") != "#/definitions/SessionInfo" ||
		at(login, "responses", "200", "headers", "Set-Cookie", "type") != "string" ||
		at(login, "responses", "401", "description") != "Unauthorized" {
		t.Errorf("login responses = %v", at(login, "responses"))
	}
	defs := at(doc, "definitions")
	if !reflect.DeepEqual(at(defs, "LoginRequest", "required"), []any{"password", "username"}) {
		t.Errorf("LoginRequest = %v", at(defs, "LoginRequest"))
	}
	si := at(defs, "SessionInfo")
	if at(si, "properties", "expires_at", "format") != "date-time" ||
		at(si, "properties", "scopes", "items", "type") != "string" ||
		at(si, "properties", "labels", "additionalProperties", "type") != "integer" ||
		at(si, "properties", "home", "$ref") != "#/definitions/swagger_test.Address" || // Address is swag's
		at(si, "properties", "offices", "items", "$ref") != "#/definitions/swagger_test.Address" ||
		at(si, "properties", "Ignored") != nil || at(si, "properties", "unexposed") != nil ||
		!reflect.DeepEqual(at(si, "required"), []any{"expires_at", "offices", "user"}) {
		t.Errorf("SessionInfo = %v", si)
	}
	if at(defs, "swagger_test.Address", "properties", "city", "type") != "string" || at(defs, "ErrorBody") == nil {
		t.Errorf("definitions = %v", defs)
	}
	ping := at(doc, "paths", "/auth/ping/{id}", "post")
	if at(ping, "operationId") != "sessionPing" || at(ping, "security") == nil || at(ping, "responses", "401") == nil {
		t.Errorf("ping = %v", ping)
	}
	if p, _ := at(ping, "parameters").([]any); len(p) != 1 || at(p[0], "in") != "path" || at(p[0], "name") != "id" {
		t.Errorf("ping parameters = %v", at(ping, "parameters"))
	}
	if at(doc, "paths", "/private-scoped", "get", "operationId") != "getPrivateScoped" {
		t.Errorf("derived id = %v", at(doc, "paths", "/private-scoped", "get", "operationId"))
	}
	tags := map[string]any{}
	for _, e := range doc["tags"].([]any) {
		tags[at(e, "name").(string)] = at(e, "description")
	}
	if tags["login"] == nil || tags["session"] == nil || len(tags) != 3 {
		t.Errorf("tags = %v", doc["tags"])
	}
}

func TestDescribedOperationsOpenAPI3(t *testing.T) {
	doc := describedSpec(t, `{"openapi": "3.0.3", "info": {"title": "x", "version": "1"},
		"servers": [{"url": "/api"}], "paths": {}}`)
	login := at(doc, "paths", "/auth/login", "post")
	body := at(login, "requestBody", "content")
	if at(body, "application/json", "schema", "$ref") != "#/components/schemas/LoginRequest" ||
		at(body, "application/x-www-form-urlencoded", "schema", "$ref") != "#/components/schemas/LoginRequest" {
		t.Errorf("requestBody = %v", at(login, "requestBody"))
	}
	if at(login, "responses", "200", "content", "application/json", "schema", "$ref") != "#/components/schemas/SessionInfo" ||
		at(login, "responses", "200", "headers", "Set-Cookie", "schema", "type") != "string" {
		t.Errorf("responses = %v", at(login, "responses"))
	}
	if at(doc, "components", "schemas", "Address", "properties", "city") == nil {
		t.Errorf("schemas = %v", at(doc, "components", "schemas"))
	}
	if _, ok := doc["schemes"]; ok {
		t.Error("schemes in an OpenAPI 3 spec")
	}
}
