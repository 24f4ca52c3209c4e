package sqlite

import (
	"context"
	"fmt"
	"net/url"

	"github.com/auth0gin/auth0gin/auth0gin"
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

// pathOf is the file a sqlite: URL names: "" (memory) for sqlite: and
// sqlite://, an absolute path for sqlite:///abs, a relative one for
// sqlite:rel or sqlite://./rel.
func pathOf(u *url.URL) (string, error) {
	if u.RawQuery != "" || u.User != nil {
		return "", fmt.Errorf("%w: sqlite store: a sqlite URL takes no user or query", auth0gin.ErrConfig)
	}
	if u.Opaque != "" { // sqlite:rel/path.db
		p, err := url.PathUnescape(u.Opaque)
		if err != nil {
			return "", fmt.Errorf("%w: sqlite store: %w", auth0gin.ErrConfig, err)
		}
		if p == ":memory:" {
			return "", nil
		}
		return p, nil
	}
	switch u.Host {
	case "":
		return u.Path, nil // "" or "/abs/path"
	case ".", "..":
		return u.Host + u.Path, nil
	default:
		return "", fmt.Errorf("%w: sqlite store: sqlite://%s names a host; use sqlite:///absolute/path or sqlite:relative/path", auth0gin.ErrConfig, u.Host)
	}
}
