package management

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// userPath is the escaped path of a user: "auth0|abc" → "api/v2/users/auth0%7Cabc".
func userPath(id string) (string, error) {
	switch id {
	case "":
		return "", fmt.Errorf("%w: an empty user id", ErrInvalidRequest) // it would address the list of users
	case ".", "..":
		// PathEscape leaves dots alone: a normalised path would address
		// the list of users or the API's root.
		return "", fmt.Errorf("%w: the user id %q is a path segment", ErrInvalidRequest, id)
	}
	return "api/v2/users/" + url.PathEscape(id), nil
}

// GetUser returns the user with Auth0 id id ("auth0|abc"); ErrNotFound when
// there is none.
func (c *Client) GetUser(ctx context.Context, id string) (*User, error) {
	p, err := userPath(id)
	if err != nil {
		return nil, err
	}
	var u User
	if err := c.do(ctx, request{method: http.MethodGet, path: p, out: &u}); err != nil {
		return nil, err
	}
	return &u, nil
}

// UsersByEmail returns the users with that email address, matched
// case-insensitively; there may be several (one per connection) or none.
func (c *Client) UsersByEmail(ctx context.Context, email string) ([]User, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return nil, fmt.Errorf("%w: an empty email", ErrInvalidRequest)
	}
	var users []User
	err := c.do(ctx, request{
		method: http.MethodGet, path: "api/v2/users-by-email",
		query: url.Values{"email": {strings.ToLower(email)}}, out: &users,
	})
	if err != nil {
		return nil, err
	}
	return users, nil
}

// SearchOptions selects a page of users for SearchUsers.
type SearchOptions struct {
	// Query is a Lucene query in Auth0's user search syntax, e.g.
	// `email:"alice@example.com"` or `name:ali*`; empty lists every user.
	Query string
	// Page is the page number, from 0.
	Page int
	// PerPage is the page size (Auth0 allows 1 to 100; default 50).
	PerPage int
	// Sort orders the users, e.g. "created_at:1" (ascending) or "email:-1".
	Sort string
}

// UserPage is a page of users with the totals of the search. Later pages
// hold more users while Start+Length < Total.
type UserPage struct {
	Users []User `json:"users"`
	// Start is the index of the page's first user in the whole result.
	Start int `json:"start"`
	// Limit is the page size; Length the number of users on this page.
	Limit  int `json:"limit"`
	Length int `json:"length"`
	// Total is how many users match (Auth0 counts at most 1,000 through search).
	Total int `json:"total"`
}

// SearchUsers returns a page of the users matching opts.Query, with totals
// (include_totals=true), so the caller can page through them.
func (c *Client) SearchUsers(ctx context.Context, opts SearchOptions) (*UserPage, error) {
	q := url.Values{"include_totals": {"true"}, "page": {strconv.Itoa(max(opts.Page, 0))}}
	if opts.Query != "" {
		q.Set("q", opts.Query)
		q.Set("search_engine", "v3")
	}
	if opts.PerPage > 0 {
		q.Set("per_page", strconv.Itoa(opts.PerPage))
	}
	if opts.Sort != "" {
		q.Set("sort", opts.Sort)
	}
	var page UserPage
	if err := c.do(ctx, request{method: http.MethodGet, path: "api/v2/users", query: q, out: &page}); err != nil {
		return nil, err
	}
	if page.Users == nil {
		page.Users = []User{}
	}
	return &page, nil
}

// DeleteUser deletes the user; deleting a user that does not exist succeeds,
// as on Auth0.
func (c *Client) DeleteUser(ctx context.Context, id string) error {
	p, err := userPath(id)
	if err != nil {
		return err
	}
	return c.do(ctx, request{method: http.MethodDelete, path: p})
}
