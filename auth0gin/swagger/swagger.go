// Package swagger serves Swagger UI for an API protected by auth0gin, with
// the Auth0 login built in.
//
//	import "github.com/auth0gin/auth0gin/auth0gin/swagger"
//
// The spec that swag generates names an OAuth2 authorization URL and token
// URL at build time, but the tenant is only known at run time (and differs
// between a developer's dev tenant and production). Handler serves the spec
// with every OAuth2 security definition pointed at the configured tenant:
//
//   - authorizationUrl is the tenant's /authorize with `audience` set to the
//     API's first audience (without it Auth0 issues an opaque token the API
//     cannot verify);
//   - tokenUrl is the tenant's /oauth/token;
//   - the scopes are those of auth0gin.Config.Scopes, added to the spec's own.
//
// The spec needs no security annotations: the schemes Auth0ImplicitBearer
// (implicit) and Auth0PKCE (authorization code) are added when it lacks
// them, and every route registered through auth.Router (a Gin router that
// records what each route's guard enforces) gets its operation's security,
// its 401 and 403 answers and their WWW-Authenticate header from that guard;
// see docs/swagger.md in the repository for what is written and which wins.
//
// Handler then serves Swagger UI (through gin-swagger) with the SPA client id preset
// (auth0gin.Config.ClientID), PKCE on for the authorization code flow,
// persisted authorization, and the oauth2-redirect.html page the login popup
// returns to. One line mounts it:
//
//	r.GET("/docs/*any", swagger.Handler(auth, docs.SwaggerInfo))
//
// Every answer carries a Content-Security-Policy (scripts only from the
// handler, XHR only to the handler, the tenant and ConnectSrc's origins, no
// framing), X-Frame-Options DENY and Referrer-Policy no-referrer: with
// persisted authorization the access token sits in the page's localStorage.
// Files are served by name directly under the mount point, whatever the first
// request was; a nested path is 404.
//
// Register the SPA's callback URL in Auth0 as
// https://YOUR_HOST/docs/oauth2-redirect.html, and its web origin for CORS.
package swagger

import (
	"fmt"
	"maps"
	"net/http"

	"github.com/gin-gonic/gin"
	ginSwagger "github.com/swaggo/gin-swagger"
	"github.com/swaggo/swag"

	"github.com/auth0gin/auth0gin/auth0gin"

	"github.com/auth0gin/auth0gin/auth0gin/internal/tenanturl"
)

// Handler returns a Gin handler that serves Swagger UI and the spec, to be
// mounted on a wildcard route such as "/docs/*any". The UI is at
// "/docs/index.html" ("/docs/" redirects there) and the rewritten spec at
// "/docs/doc.json".
//
// The spec is rendered from spec on each request (so changes to its Host or
// BasePath made before serving are honoured) and spec itself is never
// modified; nothing is registered in swag's global registry, so any number
// of handlers can live in one process. Handler panics when auth or spec is nil
// or when spec does not render to a JSON object, so a broken spec fails at
// start-up.
func Handler(auth *auth0gin.Auth0, spec *swag.Spec, opts ...Option) gin.HandlerFunc {
	if auth == nil || spec == nil {
		panic("swagger: Handler needs an *auth0gin.Auth0 and a *swag.Spec")
	}
	cfg := auth.Config()
	o := options{title: spec.Title}
	if len(cfg.Audience) > 0 {
		o.audience = cfg.Audience[0]
	}
	for _, opt := range opts {
		opt(&o)
	}
	rw := rewriter{
		authorizeURL: authorizeURL(tenanturl.Endpoint(auth.Config().Issuers, "authorize"), o.audience, o.login),
		tokenURL:     tenanturl.Endpoint(auth.Config().Issuers, "oauth/token"),
		scopes:       withOIDC(cfg.Scopes),
		ops:          auth.Operations,
	}
	if _, err := rw.render(spec, ""); err != nil {
		panic(fmt.Sprintf("swagger: %v", err))
	}

	ui := &ginSwagger.Config{
		URL:                      "doc.json",
		DocExpansion:             "list",
		InstanceName:             spec.InstanceName(),
		Title:                    o.title,
		DefaultModelsExpandDepth: 1,
		DeepLinking:              true,
		PersistAuthorization:     true,
		Oauth2DefaultClientID:    cfg.ClientID,
		Oauth2UsePkce:            true,
	}
	if ui.Title == "" {
		ui.Title = "Swagger UI"
	}
	for _, f := range o.ginSwagger {
		f(ui)
	}
	connect := []string{"'self'"}
	if o := origin(tenanturl.Endpoint(auth.Config().Issuers, "oauth/token")); o != "" {
		connect = append(connect, o)
	}
	connect = append(connect, o.connectSrc...)
	pagePolicy := csp("'self'", connect)
	redirectPolicy := pagePolicy
	if h := redirectScriptHash(); h != "" {
		redirectPolicy = csp(h, connect)
	}
	initJS := initializerJS(ui)
	static := newStaticUI(ui)

	return func(c *gin.Context) {
		if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
			c.Header("Allow", "GET, HEAD")
			c.AbortWithStatus(http.StatusMethodNotAllowed)
			return
		}
		file, ok := uiFile(c)
		if file == "oauth2-redirect.html" {
			securityHeaders(c.Writer.Header(), redirectPolicy)
		} else {
			securityHeaders(c.Writer.Header(), pagePolicy)
		}
		switch {
		case !ok:
			c.String(http.StatusNotFound, http.StatusText(http.StatusNotFound))
		case file == "":
			c.Redirect(http.StatusFound, c.Request.URL.Path+"index.html")
		case file == "doc.json":
			serveSpec(c, &rw, spec)
		case file == "swagger-initializer.js":
			c.Header("Cache-Control", "no-cache")
			c.Data(http.StatusOK, "application/javascript; charset=utf-8", initJS)
		default:
			static.serveFile(c, file)
		}
	}
}

// oidcScopes are offered, and preselected, in the Authorize dialog: a token
// issued with them reaches /userinfo with the user's name and email, so the
// profiles of users resolved through /userinfo (package users without a
// Management API client) are not empty.
var oidcScopes = []string{"openid", "profile", "email"}

// withOIDC returns the declared scopes plus the OpenID Connect ones.
func withOIDC(declared map[string]string) map[string]string {
	out := map[string]string{
		"openid":  "OpenID Connect: identify the user (sub); needed for /userinfo",
		"profile": "OpenID Connect: the user's name, nickname and picture at /userinfo",
		"email":   "OpenID Connect: the user's email address at /userinfo",
	}
	maps.Copy(out, declared)
	return out
}

func serveSpec(c *gin.Context, rw *rewriter, spec *swag.Spec) {
	doc, err := rw.render(spec, requestScheme(c))
	if err != nil {
		_ = c.Error(err)
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/json; charset=utf-8", doc)
}
