package users

import (
	"context"
	"time"
)

// Store is the app's user table, over the app's own user type U. The
// resolver calls it only on a cache miss. FindByAuth0ID and LinkByEmail
// return store.ErrNotFound (package auth0gin/store, wrapped or not) when
// there is no such row; any other error means the store could not answer,
// and is served as 503 with Retry-After.
//
// A user is identified by (userBase, auth0ID): the Auth0User's UserBase
// (its token's issuer, or the first issuer of its Config.SharedUserBases
// group) and ID. Two tenants may issue one `sub` to two people, so a row
// found or linked by auth0ID alone would hand one tenant's user another's
// row.
//
// Implementations must be safe for concurrent use, and Create must make
// exactly one row per (userBase, auth0ID) against concurrent Creates in
// every instance of the app: a unique constraint on the two columns, with
// INSERT ... ON CONFLICT DO NOTHING and a read of the existing row, does it.
type Store[U any] interface {
	// FindByAuth0ID returns the row linked to the Auth0 user auth0ID of
	// userBase, or store.ErrNotFound.
	FindByAuth0ID(ctx context.Context, userBase, auth0ID string) (U, error)
	// LinkByEmail links (userBase, auth0ID) to the row holding that email
	// which is linked to no Auth0 user yet, and returns it;
	// store.ErrNotFound when there is none, or when another row is linked to
	// (userBase, auth0ID) already. Emails match by EmailKey (ASCII case
	// only), kept in an indexed column: never by the database's collation.
	// The resolver calls it only with an email the identity provider
	// verified. It must be atomic: of two concurrent calls for one row, one
	// links it and the other finds nothing.
	LinkByEmail(ctx context.Context, email, userBase, auth0ID string) (U, error)
	// Create returns the row of (p.UserBase, p.Auth0ID): a new row made from
	// p, or the row another request or instance created first. It must
	// leave nothing behind when it fails.
	Create(ctx context.Context, p Profile) (U, error)
}

// User is the library's user model: the row of the users table the
// resolver keeps when the app brings no Store of its own (Config.DatabaseURL),
// and the body an app's /me can answer with (annotate it as users.User).
// Its JSON is stable.
type User struct {
	// ID is the app's row id.
	ID int64 `json:"id" example:"1"`
	// Auth0ID is the Auth0 user id (`sub`), unique with UserBase; empty for
	// a row that was imported and not yet linked.
	Auth0ID string `json:"auth0_id" example:"auth0|alice"`
	// UserBase is the user base Auth0ID belongs to (the `issuer` column: see
	// auth0gin.Auth0User.UserBase); empty for a row not yet linked.
	UserBase string `json:"-"`
	// Email is the email address, as the identity provider gave it.
	Email string `json:"email" example:"alice@example.com"`
	// Name is the full name.
	Name string `json:"name" example:"Alice Example"`
	// Picture is the URL of the user's picture.
	Picture string `json:"picture,omitempty" example:"https://example.com/alice.png"`
	// CreatedAt is when the row was created.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when the row last changed (created or linked).
	UpdatedAt time.Time `json:"updated_at"`
}
