package management

import (
	"context"
	"fmt"
	"net/http"
)

// NewUser is a user to create. Connection is required, and a database
// connection also needs Email and Password.
type NewUser struct {
	// Connection is the connection the user belongs to, e.g.
	// "Username-Password-Authentication".
	Connection    string `json:"connection"`
	Email         string `json:"email,omitempty"`
	Password      string `json:"password,omitempty"`
	EmailVerified bool   `json:"email_verified,omitempty"`
	// VerifyEmail sends the verification email when true; nil leaves Auth0's
	// default.
	VerifyEmail *bool `json:"verify_email,omitempty"`
	// UserID sets the id's local part: "abc" gives "auth0|abc".
	UserID       string         `json:"user_id,omitempty"`
	Username     string         `json:"username,omitempty"`
	Name         string         `json:"name,omitempty"`
	Nickname     string         `json:"nickname,omitempty"`
	GivenName    string         `json:"given_name,omitempty"`
	FamilyName   string         `json:"family_name,omitempty"`
	Picture      string         `json:"picture,omitempty"`
	Blocked      bool           `json:"blocked,omitempty"`
	UserMetadata map[string]any `json:"user_metadata,omitempty"`
	AppMetadata  map[string]any `json:"app_metadata,omitempty"`
}

// CreateUser creates a user and returns it as Auth0 stored it (201).
// ErrConflict when the connection already has a user with that email.
func (c *Client) CreateUser(ctx context.Context, u NewUser) (*User, error) {
	if u.Connection == "" {
		return nil, fmt.Errorf("%w: CreateUser needs a connection", ErrInvalidRequest)
	}
	var out User
	if err := c.do(ctx, request{method: http.MethodPost, path: "api/v2/users", body: u, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// UserUpdate is a change to a user (PATCH): nil fields are left as they are.
//
// Metadata is merged as Auth0 merges it, one level deep: each key of
// UserMetadata or AppMetadata replaces the stored value of that key (a nested
// object is replaced whole, not merged), and a key whose value is nil is
// removed, because it is sent as JSON null:
//
//	management.UserUpdate{UserMetadata: map[string]any{
//		"theme": "dark", // set
//		"lang":  nil,    // unset
//	}}
//
// Keys not named are kept. A nil or empty map changes nothing; to remove all
// of a user's metadata, set ClearUserMetadata or ClearAppMetadata (Auth0
// clears metadata patched with an empty object).
type UserUpdate struct {
	Email         *string
	EmailVerified *bool
	Password      *string
	Username      *string
	Name          *string
	Nickname      *string
	GivenName     *string
	FamilyName    *string
	Picture       *string
	// Blocked blocks (true) or unblocks (false) the user: a blocked user
	// cannot log in.
	Blocked *bool
	// Connection names the identity to change when Email, EmailVerified,
	// Username or Password are for a secondary identity.
	Connection string

	UserMetadata map[string]any
	AppMetadata  map[string]any
	// ClearUserMetadata and ClearAppMetadata remove all of the user's
	// user_metadata or app_metadata; they cannot be combined with keys.
	ClearUserMetadata bool
	ClearAppMetadata  bool
}

// patchBody is u as the PATCH body.
func (u UserUpdate) patchBody() map[string]any {
	body := map[string]any{}
	for name, v := range map[string]*string{
		"email": u.Email, "password": u.Password, "username": u.Username, "name": u.Name,
		"nickname": u.Nickname, "given_name": u.GivenName, "family_name": u.FamilyName, "picture": u.Picture,
	} {
		if v != nil {
			body[name] = *v
		}
	}
	if u.EmailVerified != nil {
		body["email_verified"] = *u.EmailVerified
	}
	if u.Blocked != nil {
		body["blocked"] = *u.Blocked
	}
	if u.Connection != "" {
		body["connection"] = u.Connection
	}
	metadata := func(name string, m map[string]any, clear bool) {
		switch {
		case clear:
			body[name] = map[string]any{}
		case len(m) > 0:
			body[name] = m
		}
	}
	metadata("user_metadata", u.UserMetadata, u.ClearUserMetadata)
	metadata("app_metadata", u.AppMetadata, u.ClearAppMetadata)
	return body
}

// UpdateUser changes the user and returns it as Auth0 stored it.
// ErrNotFound when there is no such user; ErrConflict when the new email is
// taken.
func (c *Client) UpdateUser(ctx context.Context, id string, u UserUpdate) (*User, error) {
	p, err := userPath(id)
	if err != nil {
		return nil, err
	}
	if (u.ClearUserMetadata && len(u.UserMetadata) > 0) || (u.ClearAppMetadata && len(u.AppMetadata) > 0) {
		return nil, fmt.Errorf("%w: UpdateUser cannot both clear metadata and set keys of it", ErrInvalidRequest)
	}
	var out User
	if err := c.do(ctx, request{method: http.MethodPatch, path: p, body: u.patchBody(), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}
