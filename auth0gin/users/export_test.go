package users

import (
	"context"
	"database/sql"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/management"
)

// SQLStore is the library's table, for the tests: Insert, Count and Delete
// besides the Store methods.
type SQLStore = sqlStore

// OpenSQL opens the library's table in the database rawURL names.
func OpenSQL(ctx context.Context, rawURL, table string) (*SQLStore, error) {
	return openSQL(ctx, rawURL, table, time.Now, "")
}

// OpenSQLFor opens the table as New does for an Auth0 trusting the one user
// base legacyBase: rows of the first layout are given it.
func OpenSQLFor(ctx context.Context, rawURL, table, legacyBase string) (*SQLStore, error) {
	return openSQL(ctx, rawURL, table, time.Now, legacyBase)
}

// UserinfoSource is the /userinfo profile source at url.
func UserinfoSource(url string) ProfileSource { return userinfoSource{url: url} }

// ManagementSource is the Management API profile source of c.
func ManagementSource(c *management.Client) ProfileSource { return managementSource{client: c} }

// DB returns the store's database.
func (s *sqlStore) DB() *sql.DB { return s.db }

// Table returns the table's name.
func (s *sqlStore) Table() string { return s.table }
