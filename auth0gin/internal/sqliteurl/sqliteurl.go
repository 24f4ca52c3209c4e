// Package sqliteurl reads the file a sqlite: URL names, the one rule for the
// session store's SESSION_STORE_URL (store/sqlite) and the users table's
// DATABASE_URL (users).
package sqliteurl

import (
	"errors"
	"fmt"
	"net/url"
)

// Path is the file u names: "" (SQLite in memory) for sqlite:, sqlite://
// and sqlite::memory:, an absolute path for sqlite:///abs, a relative one
// for sqlite:rel or sqlite://./rel. The caller wraps its error with what the
// URL configures (and auth0gin.ErrConfig).
func Path(u *url.URL) (string, error) {
	if u.RawQuery != "" || u.User != nil {
		return "", errors.New("a sqlite URL takes no user or query")
	}
	if u.Opaque != "" { // sqlite:rel/path.db
		p, err := url.PathUnescape(u.Opaque)
		if err != nil {
			return "", err
		}
		if p == ":memory:" {
			return "", nil
		}
		return p, nil
	}
	switch u.Host {
	case "", ":memory:":
		return u.Path, nil // "" or "/abs/path"
	case ".", "..":
		return u.Host + u.Path, nil
	default:
		return "", fmt.Errorf("sqlite://%s names a host; use sqlite:///absolute/path or sqlite:relative/path", u.Host)
	}
}
