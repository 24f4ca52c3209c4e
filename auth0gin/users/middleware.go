package users

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// Require returns Gin middleware that resolves the current user; mount it
// after a guard (RequireScopes & friends), which has verified the caller,
// whether by Bearer token or session cookie:
//
//	r.GET("/api/me", auth.RequireScopes(), res.Require(), me)
//
// Handlers then read the user with From[U]. A request the guard let through
// without a user (Optional, a guest) passes on with none. An outage is
// answered 503 with Retry-After, and the chain is aborted.
func (r *Resolver[U]) Require() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, err := r.attach(c.Request)
		if err != nil {
			writeError(c.Writer, err)
			c.Abort()
			return
		}
		if ctx != nil {
			c.Request = c.Request.WithContext(ctx)
		}
	}
}

// Middleware is Require for plain net/http, behind auth0gin's
// (*Auth0).Middleware.
func (r *Resolver[U]) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx, err := r.attach(req)
		if err != nil {
			writeError(w, err)
			return
		}
		if ctx != nil {
			req = req.WithContext(ctx)
		}
		next.ServeHTTP(w, req)
	})
}

// attach resolves the request's caller and returns the context carrying it;
// nil when the request has no caller.
func (r *Resolver[U]) attach(req *http.Request) (context.Context, error) {
	ctx := req.Context()
	u, ok := auth0gin.UserFrom(ctx)
	if !ok {
		return nil, nil
	}
	cur, hit := r.cache.get(u.ID)
	if !hit {
		// Cold: the caller's token goes along for /userinfo.
		var err error
		if cur, err = r.Resolve(WithToken(ctx, bearerToken(req)), u); err != nil {
			return nil, err
		}
	}
	return WithCurrent(ctx, cur), nil
}

// writeError answers an error of Resolve: its status (503 for outages),
// Retry-After, and the JSON body the guards use. Never a 500.
func writeError(w http.ResponseWriter, err error) {
	var ae *auth0gin.AuthError
	if !errors.As(err, &ae) {
		ae = auth0gin.Unavailable("the current user cannot be resolved now", 0, err)
	}
	ae.WriteResponse(w, "")
}
