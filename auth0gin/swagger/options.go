package swagger

import (
	"fmt"
	"net/url"

	ginSwagger "github.com/swaggo/gin-swagger"
)

// An Option adjusts a Handler.
type Option func(*options)

type options struct {
	title      string
	audience   string
	login      url.Values
	ginSwagger []func(*ginSwagger.Config)
	connectSrc []string
}

// Title sets the browser page title (default: the spec's title).
func Title(title string) Option {
	return func(o *options) { o.title = title }
}

// Audience sets the `audience` the login asks for (default: the first of
// auth0gin.Config.Audience). Tokens for another audience are refused by the
// API, so set it only when the API accepts several.
func Audience(audience string) Option {
	return func(o *options) { o.audience = audience }
}

// GinSwagger passes options to gin-swagger (ginSwagger.DocExpansion,
// ginSwagger.DefaultModelsExpandDepth, ...). They are applied last, so they
// can also undo the defaults this package sets, such as PKCE.
func GinSwagger(opts ...func(*ginSwagger.Config)) Option {
	return func(o *options) { o.ginSwagger = append(o.ginSwagger, opts...) }
}

// ConnectSrc adds origins (e.g. "https://api.example.com") that Swagger UI
// may call, to the Content-Security-Policy's connect-src. The handler's own
// origin and the tenant's are always allowed; add the API's origin when the
// spec's host is not the one serving the docs.
func ConnectSrc(origins ...string) Option {
	return func(o *options) { o.connectSrc = append(o.connectSrc, origins...) }
}

// LoginParams adds parameters to the Swagger UI login's /authorize, such as
// a step-up's acr_values and max_age or an organization, so that its tokens
// pass the routes that require them (auth0gin.AuthContext, MaxAge,
// Organization):
//
//	swagger.LoginParams(url.Values{"acr_values": {"http://schemas.openid.net/pape/policies/2007/06/multi-factor"}, "max_age": {"300"}})
//
// Handler panics for a parameter Swagger UI sets itself (client_id,
// redirect_uri, response_type, scope, state, code_challenge, ...) or that
// Audience sets.
func LoginParams(params url.Values) Option {
	for k := range params {
		switch k {
		case "audience", "client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
			"code_challenge", "code_challenge_method", "response_mode":
			panic(fmt.Sprintf("swagger: LoginParams: %q is set by Swagger UI or by Audience", k))
		}
	}
	return func(o *options) {
		if o.login == nil {
			o.login = url.Values{}
		}
		for k, vs := range params {
			o.login[k] = append(o.login[k], vs...)
		}
	}
}
