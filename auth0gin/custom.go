package auth0gin

import (
	"context"
	"fmt"

	"github.com/gin-gonic/gin"
)

// ClaimsValidator is implemented by custom claims types that check themselves;
// RequireClaims answers 401 when Validate fails.
type ClaimsValidator interface {
	Validate(ctx context.Context) error
}

type claimsKey[T any] struct{}

// RequireClaims is Require plus a typed view of the token's own claims: it
// decodes the verified payload into a T (say, a struct with `org_id` and a
// namespaced roles claim), runs T's Validate method when it has one, and makes
// the value available to ClaimsFrom[T]. The middleware is not re-implemented:
// the token checks, cache and errors are Require's.
func RequireClaims[T any](a *Auth0, reqs ...Requirement) gin.HandlerFunc {
	g := a.compile(reqs)
	return func(c *gin.Context) {
		u, ok := a.admit(c, &g)
		if !ok || u == nil { // refused, or a guest on an optional route
			return
		}
		claims, err := decodeClaims[T](c.Request.Context(), u)
		if err != nil {
			a.fail(c.Writer, c.Request, unauthorized(ErrInvalidClaims, "invalid claims", err))
			c.Abort()
			return
		}
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), claimsKey[T]{}, claims))
	}
}

// ClaimsFrom returns the custom claims RequireClaims[T] decoded, from a
// *gin.Context or the request's context.Context. On a route with plain
// Require it decodes them from the user's token on each call.
func ClaimsFrom[T any](ctx context.Context) (*T, error) {
	if c, isGin := ctx.(*gin.Context); isGin && c.Request != nil {
		ctx = c.Request.Context()
	}
	if v, ok := ctx.Value(claimsKey[T]{}).(*T); ok {
		return v, nil
	}
	u, ok := UserFrom(ctx)
	if !ok {
		return nil, ErrNoUser
	}
	return decodeClaims[T](ctx, u)
}

func decodeClaims[T any](ctx context.Context, u *Auth0User) (*T, error) {
	v := new(T)
	if err := u.Claims(v); err != nil {
		return nil, err
	}
	if cv, ok := any(v).(ClaimsValidator); ok {
		if err := cv.Validate(ctx); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidClaims, err)
		}
	}
	return v, nil
}
