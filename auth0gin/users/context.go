package users

import (
	"context"

	"github.com/gin-gonic/gin"
)

// Machine is the principal of a machine-to-machine token (client
// credentials): an app calling the API, which never has a user row.
type Machine struct {
	// ClientID is the client the token was issued to (`azp` or `client_id`).
	ClientID string `json:"client_id"`
	// Subject is the token's `sub` ("<client id>@clients").
	Subject string `json:"sub"`
}

// Current is what the resolver makes of a caller: a user (persisted, or
// claims-only during an Auth0 outage when Config.Transient is set) or a
// machine.
type Current[U any] struct {
	// User is the app's row; the zero U for a machine.
	User U
	// Machine is set for a machine token, and User is then the zero U.
	Machine *Machine
	// Transient reports a claims-only user that is in no row: Auth0 could
	// not give the profile and Config.Transient built the user.
	Transient bool
}

type currentKey struct{}

// WithCurrent returns a copy of ctx carrying cur; the middleware does this
// for the request's context, and tests of code below the handler can too.
func WithCurrent[U any](ctx context.Context, cur *Current[U]) context.Context {
	return context.WithValue(ctx, currentKey{}, cur)
}

// CurrentFrom returns what the middleware resolved, from a *gin.Context or
// any context.Context derived from the request's. The value is shared with
// the resolver's cache and other requests: read it, never change it (From
// returns a copy of the user).
func CurrentFrom[U any](ctx context.Context) (*Current[U], bool) {
	if c, isGin := ctx.(*gin.Context); isGin {
		if c.Request == nil {
			return nil, false
		}
		ctx = c.Request.Context()
	}
	cur, ok := ctx.Value(currentKey{}).(*Current[U])
	return cur, ok && cur != nil
}

// From returns the current user, from a *gin.Context or any context.Context
// derived from the request's (GraphQL resolvers, services). ok is false for
// a machine token, on a route without the resolver's middleware, or when U
// is not the resolver's user type.
func From[U any](ctx context.Context) (u U, ok bool) {
	cur, ok := CurrentFrom[U](ctx)
	if !ok || cur.Machine != nil {
		return u, false
	}
	return cur.User, true
}

// MachineFrom returns the machine principal of a request made with a
// machine-to-machine token, whatever the resolver's user type.
func MachineFrom(ctx context.Context) (*Machine, bool) {
	if c, isGin := ctx.(*gin.Context); isGin {
		if c.Request == nil {
			return nil, false
		}
		ctx = c.Request.Context()
	}
	p, ok := ctx.Value(currentKey{}).(principal)
	if !ok {
		return nil, false
	}
	m := p.machine()
	return m, m != nil
}

// principal lets MachineFrom read a Current of any user type.
type principal interface{ machine() *Machine }

func (c *Current[U]) machine() *Machine {
	if c == nil {
		return nil
	}
	return c.Machine
}
