// Package dburl opens the ready users store from one URL, DATABASE_URL:
// empty for SQLite in memory, sqlite:///path/app.db for a SQLite file,
// postgres://... for PostgreSQL. It links both drivers; an app that knows
// its database imports users/sqlite or users/postgres alone.
//
//	import "github.com/auth0gin/auth0gin/auth0gin/users/dburl"
//
//	st, err := dburl.Open(ctx, os.Getenv("DATABASE_URL"), sqlstore.Options{})
package dburl

import (
	"context"
	"fmt"
	"strings"

	"github.com/auth0gin/auth0gin/auth0gin/users/postgres"
	"github.com/auth0gin/auth0gin/auth0gin/users/sqlite"
	"github.com/auth0gin/auth0gin/auth0gin/users/sqlstore"
)

// Open opens the store rawURL names and migrates its table.
func Open(ctx context.Context, rawURL string, opts sqlstore.Options) (*sqlstore.Store, error) {
	switch u := strings.TrimSpace(rawURL); {
	case u == "":
		return sqlite.Open(ctx, "", opts)
	case strings.HasPrefix(u, "sqlite://"):
		path := strings.TrimPrefix(u, "sqlite://")
		if path == "" || path == ":memory:" {
			return sqlite.Open(ctx, "", opts)
		}
		return sqlite.Open(ctx, path, opts)
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		return postgres.Open(ctx, u, opts)
	default:
		// Only the scheme: the rest may hold a password.
		scheme, _, _ := strings.Cut(u, ":")
		return nil, fmt.Errorf("dburl: DATABASE_URL scheme %q: want empty, sqlite:// or postgres://", scheme)
	}
}
