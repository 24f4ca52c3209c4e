package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	graphql "github.com/graph-gophers/graphql-go"

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

// graphqlSchema is POST /graphql's handler (graphqlServer). The guard and the resolver's
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
	return &graphqlServer{schema: s}, nil
}

// maxGraphQLBody bounds a GraphQL request: a query is small.
const maxGraphQLBody = 64 << 10

// graphqlServer serves GraphQL over HTTP (POST, a JSON body of query,
// operationName and variables). What goes wrong before the query runs is
// answered as GraphQL errors too, {"errors":[{"message":...}]}, with the
// status that says it: 400 for a body that is not such a JSON object or has
// no query, 413 past maxGraphQLBody, 405 for another method. Once the query
// runs, its errors come in a 200 beside the data, as GraphQL answers them.
type graphqlServer struct{ schema *graphql.Schema }

func (g *graphqlServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store") // the caller's data
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		graphqlError(w, http.StatusMethodNotAllowed, "send GraphQL requests with POST")
		return
	}
	var params struct {
		Query         string         `json:"query"`
		OperationName string         `json:"operationName"`
		Variables     map[string]any `json:"variables"`
	}
	// The whole body is read under the limit first, so any body over it is
	// 413 whatever it holds (a decoder stops at its first error or value).
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxGraphQLBody))
	if errors.As(err, new(*http.MaxBytesError)) || r.ContentLength > maxGraphQLBody {
		graphqlError(w, http.StatusRequestEntityTooLarge, "the request is too large (at most 64 KiB)")
		return
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err != nil || dec.Decode(&params) != nil || dec.More() {
		// Fixed words: the decoder's message would quote the input.
		graphqlError(w, http.StatusBadRequest, `the body must be one JSON object: {"query": string, "operationName": string, "variables": object}`)
		return
	}
	if strings.TrimSpace(params.Query) == "" {
		graphqlError(w, http.StatusBadRequest, "the request has no query")
		return
	}
	res := g.schema.Exec(r.Context(), params.Query, params.OperationName, params.Variables)
	b, err := json.Marshal(res)
	if err != nil {
		graphqlError(w, http.StatusInternalServerError, "the answer could not be encoded")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// graphqlError answers a transport error as a GraphQL response with one error.
func graphqlError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"message": msg}}})
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
