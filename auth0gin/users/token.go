package users

import (
	"context"
	"net/http"
	"strings"
)

type tokenKey struct{}

// WithToken returns a copy of ctx carrying the caller's access token, which
// the /userinfo profile source sends. The middleware does this on a cache
// miss; call it yourself when calling Resolve directly.
func WithToken(ctx context.Context, token string) context.Context {
	if token == "" {
		return ctx
	}
	return context.WithValue(ctx, tokenKey{}, token)
}

// tokenFrom returns the token WithToken attached.
func tokenFrom(ctx context.Context) (string, bool) {
	t, ok := ctx.Value(tokenKey{}).(string)
	return t, ok && t != ""
}

// bearerToken is the request's bearer token, or "" (a session cookie).
func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}
