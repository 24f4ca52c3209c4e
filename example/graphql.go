package main

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	graphql "github.com/graph-gophers/graphql-go"
	"github.com/graph-gophers/graphql-go/relay"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/users"
)

// schemaSDL is the example's GraphQL schema: the caller's row, and one field
// that needs the read:messages scope.
const schemaSDL = `
schema { query: Query }

type Query {
	# The caller's row in the app's database.
	me: User!
	# Needs the read:messages scope.
	messages: [String!]
}

type User {
	id: ID!
	auth0Id: String!
	email: String!
	name: String!
}
`

// graphqlSchema is POST /graphql's handler. The guard and the resolver's
// middleware run before it; each resolver reads the caller from its context.
func graphqlSchema() (http.Handler, error) {
	// Validation compares selections pairwise: without bounds, one 50 KB
	// query of repeated fields (under the body limit) took over a minute of
	// CPU. The example's queries are tiny; these bounds refuse the abuse
	// with a GraphQL error before any of that work.
	s, err := graphql.ParseSchema(schemaSDL, &query{},
		graphql.MaxDepth(8),
		graphql.MaxQueryLength(8<<10),
		graphql.MaxSelections(500),
		graphql.OverlapValidationLimit(10_000))
	if err != nil {
		return nil, err
	}
	// A query is small; a body past 64 KiB is refused (400) before parsing.
	return http.MaxBytesHandler(&relay.Handler{Schema: s}, 64<<10), nil
}

type query struct{}

// Me resolves `me` from the request's context.
func (*query) Me(ctx context.Context) (*gqlUser, error) {
	if _, ok := users.MachineFrom(ctx); ok {
		return nil, errors.New("a machine token has no user")
	}
	u, ok := users.From[users.User](ctx)
	if !ok {
		return nil, errors.New("no current user")
	}
	return &gqlUser{u}, nil
}

// Messages needs read:messages, in the token's scope or permissions.
func (*query) Messages(ctx context.Context) (*[]string, error) {
	u, ok := auth0gin.UserFrom(ctx)
	if !ok || !(u.HasScope("read:messages") || u.HasPermission("read:messages")) {
		return nil, errors.New("insufficient_scope: messages needs the read:messages scope")
	}
	msgs := []string{"Hello from a scoped GraphQL field!"}
	return &msgs, nil
}

type gqlUser struct{ u users.User }

func (g *gqlUser) ID() graphql.ID  { return graphql.ID(strconv.FormatInt(g.u.ID, 10)) }
func (g *gqlUser) Auth0ID() string { return g.u.Auth0ID }
func (g *gqlUser) Email() string   { return g.u.Email }
func (g *gqlUser) Name() string    { return g.u.Name }
