package sqlite

import (
	"context"
	"fmt"
	"net/url"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/sqliteurl"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

func init() {
	store.Register("sqlite", openURL)
	store.Register("sqlite3", openURL)
}

// openURL opens the store a sqlite: URL names (see the package doc).
func openURL(ctx context.Context, u *url.URL) (store.Store, error) {
	path, err := pathOf(u)
	if err != nil {
		return nil, err
	}
	s, err := open(ctx, path)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// pathOf is the file a sqlite: URL names (package internal/sqliteurl).
func pathOf(u *url.URL) (string, error) {
	p, err := sqliteurl.Path(u)
	if err != nil {
		return "", fmt.Errorf("%w: sqlite store: %w", auth0gin.ErrConfig, err)
	}
	return p, nil
}
