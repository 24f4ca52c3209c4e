package auth0gin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// ClaimsValidator is implemented by custom claims types that check themselves;
// RequireClaims answers 401 when Validate fails. The error_description is
// "invalid claims", unless the error is (or wraps) a *ClaimsError.
type ClaimsValidator interface {
	Validate(ctx context.Context) error
}

// ClaimsError is the error a ClaimsValidator returns to tell the caller why
// its token was refused: RequireClaims answers 401 with Description as the
// error_description, in the WWW-Authenticate challenge and the JSON body.
// Description must be safe to show anyone who sends a token: say what is
// missing ("an organization token is required"), not what the server holds.
//
// Any other error from Validate keeps the generic "invalid claims", since it
// may carry details (a database error, a claim's value) that are not the
// caller's business. A ClaimsError wrapped with %w counts too.
type ClaimsError struct {
	// Description is the reason shown to the caller. Characters a challenge
	// cannot carry (quotes, backslashes, control characters) are dropped and
	// it is cut at maxClaimsDescription bytes; an empty one means "invalid claims".
	Description string
}

// Error implements error.
func (e *ClaimsError) Error() string { return e.Description }

// maxClaimsDescription bounds a ClaimsError's Description in a response header.
const maxClaimsDescription = 200

// claimsDescription is the error_description for a failed custom-claims
// check: a *ClaimsError's own description, or the generic one.
func claimsDescription(err error) string {
	var ce *ClaimsError
	if !errors.As(err, &ce) || ce == nil {
		return "invalid claims"
	}
	d := strings.TrimSpace(quote(ce.Description)) // quote leaves valid UTF-8
	if len(d) > maxClaimsDescription {
		d = d[:maxClaimsDescription]
		for !utf8.ValidString(d) { // drop a rune cut in half
			d = d[:len(d)-1]
		}
	}
	if d == "" {
		return "invalid claims"
	}
	return d
}

type claimsKey[T any] struct{}

// RequireClaims is Require plus a typed view of the token's own claims: it
// decodes the verified payload into a T (say, a struct with `org_id` and a
// namespaced roles claim), runs T's Validate method when it has one, and makes
// the value available to ClaimsFrom[T]. The middleware is not re-implemented:
// the token checks, cache and errors are Require's.
func RequireClaims[T any](a *Auth0, reqs ...Requirement) gin.HandlerFunc {
	g := a.compile(reqs)
	g.claims = true
	// then runs only for an admitted user: not when refused, nor for a guest
	// on an optional route.
	return a.guardHandler(&g, func(c *gin.Context, u *Auth0User) {
		claims, err := decodeClaims[T](c.Request.Context(), u)
		if err != nil {
			a.fail(c.Writer, c.Request, unauthorized(errInvalidClaims, claimsDescription(err), err))
			c.Abort()
			return
		}
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), claimsKey[T]{}, claims))
	})
}

// ClaimsFrom returns the custom claims RequireClaims[T] decoded, from a
// *gin.Context or the request's context.Context. On a route with plain
// Require it decodes them from the user's token on each call. With no user on
// the context (a guest, or a route with no guard) the error matches
// ErrMissingToken.
func ClaimsFrom[T any](ctx context.Context) (*T, error) {
	if c, isGin := ctx.(*gin.Context); isGin && c.Request != nil {
		ctx = c.Request.Context()
	}
	if v, ok := ctx.Value(claimsKey[T]{}).(*T); ok {
		return v, nil
	}
	u, ok := UserFrom(ctx)
	if !ok {
		return nil, errNoUser
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
			return nil, fmt.Errorf("%w: %w", errInvalidClaims, err)
		}
	}
	return v, nil
}

// errNoUser is ClaimsFrom's answer when the context carries no user: no
// credential was presented, or no guard ran.
var errNoUser = fmt.Errorf("%w: no authenticated user in the context", ErrMissingToken)
