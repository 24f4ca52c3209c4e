package users

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound: the store holds no such row. Stores return it (wrapped or
// not) from FindByAuth0ID and LinkByEmail.
var ErrNotFound = errors.New("users: not found")

// ErrConflict: Create found a row with that Auth0 id already, created by
// another request or another instance since the lookup. The resolver then
// reads that row back: the unique constraint, not a lock, decides who
// created the user.
var ErrConflict = errors.New("users: auth0 id already exists")

// Store is the app's user table, over whatever the app keeps users in. The
// resolver calls it only on a cache miss. Errors other than ErrNotFound and
// ErrConflict mean the store could not answer and are served as 503.
//
// Implementations must be safe for concurrent use, and Create must be
// atomic against a concurrent Create of the same Auth0 id, in every instance
// of the app (a unique constraint on the Auth0 id column does it).
type Store[U any] interface {
	// FindByAuth0ID returns the row linked to the Auth0 user id, or
	// ErrNotFound.
	FindByAuth0ID(ctx context.Context, auth0ID string) (U, error)
	// LinkByEmail links auth0ID to the row holding that email
	// (case-insensitively) which is linked to no Auth0 user yet, and returns
	// it; ErrNotFound when there is none. The resolver calls it only with an
	// email the identity provider verified. It must be atomic: of two
	// concurrent calls for one row, one links it and the other finds nothing.
	LinkByEmail(ctx context.Context, email, auth0ID string) (U, error)
	// Create inserts a row for p and returns it; ErrConflict when a row with
	// p.Auth0ID exists. It must leave nothing behind when it fails.
	Create(ctx context.Context, p Profile) (U, error)
}

// User is the row of the ready stores (package users/sqlstore, opened by
// users/sqlite, users/postgres or users/dburl). Apps with a table of their
// own implement Store over their own type instead.
type User struct {
	// ID is the app's row id.
	ID int64 `json:"id"`
	// Auth0ID is the Auth0 user id (`sub`), unique; empty for a row that
	// was imported and not yet linked.
	Auth0ID string `json:"auth0_id"`
	// Email is the email address, as the identity provider gave it.
	Email string `json:"email"`
	// Name is the full name.
	Name string `json:"name"`
	// Picture is the URL of the user's picture.
	Picture string `json:"picture,omitempty"`
	// CreatedAt is when the row was created.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when the row last changed (created or linked).
	UpdatedAt time.Time `json:"updated_at"`
}
