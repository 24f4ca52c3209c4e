package swagger

import ginSwagger "github.com/swaggo/gin-swagger"

// An Option adjusts a Handler.
type Option func(*options)

type options struct {
	title      string
	audience   string
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
