// Package storeurl opens a store.Store from one URL, the value of
// SESSION_STORE_URL: it is the one package that imports every backend, so an
// app that names its backend in code imports only that backend's package
// instead.
//
//	import "github.com/auth0gin/auth0gin/auth0gin/store/storeurl"
//
// The forms:
//
//	(empty)                                  SQLite in memory (one process; lost on exit)
//	sqlite:///var/lib/app/sessions.db        SQLite file, absolute path
//	sqlite:data/sessions.db                  SQLite file, relative to the working directory
//	sqlite://./data/sessions.db              the same
//	redis://[user:password@]host:6379/0      Redis; rediss:// for TLS; ?key_prefix=app: (default auth0gin:)
//	postgres://user:password@host:5432/db    PostgreSQL (or postgresql://); ?schema=name (default public)
//
// Redis URLs take go-redis's options (dial_timeout, read_timeout, …) and
// PostgreSQL URLs pgx's (sslmode, connect_timeout, …). Errors never print a
// password from the URL.
package storeurl

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/internal/redact"
	"github.com/auth0gin/auth0gin/auth0gin/store/postgres"
	"github.com/auth0gin/auth0gin/auth0gin/store/redis"
	"github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
)

// Option passes options to the backend the URL names.
type Option func(*options)

type options struct {
	sqlite   []sqlite.Option
	redis    []redis.Option
	postgres []postgres.Option
}

// WithSQLite passes opts to sqlite.Open when the URL names SQLite (or is
// empty).
func WithSQLite(opts ...sqlite.Option) Option {
	return func(o *options) { o.sqlite = append(o.sqlite, opts...) }
}

// WithRedis passes opts to redis.Open when the URL names Redis; they apply
// after the URL's key_prefix.
func WithRedis(opts ...redis.Option) Option {
	return func(o *options) { o.redis = append(o.redis, opts...) }
}

// WithPostgres passes opts to postgres.Open when the URL names PostgreSQL;
// they apply after the URL's schema.
func WithPostgres(opts ...postgres.Option) Option {
	return func(o *options) { o.postgres = append(o.postgres, opts...) }
}

// ErrUnsupported is returned for a URL whose scheme names no backend.
var ErrUnsupported = errors.New("storeurl: unsupported store URL")

// Open opens the store rawURL names (see the package doc for the forms). A
// server that cannot be reached is an error wrapping store.ErrUnavailable.
func Open(ctx context.Context, rawURL string, opts ...Option) (store.Store, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	rawURL = strings.TrimSpace(rawURL)
	if rawURL == "" {
		return openSQLite(ctx, "", o)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnsupported, redact.URL(rawURL), redact.Error(err, rawURL))
	}
	switch strings.ToLower(u.Scheme) {
	case "sqlite", "sqlite3":
		path, err := sqlitePath(u)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", redact.URL(rawURL), err)
		}
		return openSQLite(ctx, path, o)
	case "redis", "rediss":
		q := u.Query()
		ropts := o.redis
		if q.Has("key_prefix") {
			ropts = append([]redis.Option{redis.WithKeyPrefix(q.Get("key_prefix"))}, ropts...)
			q.Del("key_prefix")
			u.RawQuery = q.Encode()
		}
		return redis.Open(ctx, u.String(), ropts...)
	case "postgres", "postgresql":
		q := u.Query()
		popts := o.postgres
		if q.Has("schema") {
			popts = append([]postgres.Option{postgres.WithSchema(q.Get("schema"))}, popts...)
			q.Del("schema")
			u.RawQuery = q.Encode()
		}
		return postgres.Open(ctx, u.String(), popts...)
	default:
		return nil, fmt.Errorf("%w: %s (want sqlite:, redis:, rediss:, postgres: or postgresql:)", ErrUnsupported, redact.URL(rawURL))
	}
}

func openSQLite(ctx context.Context, path string, o options) (store.Store, error) {
	s, err := sqlite.Open(ctx, path, o.sqlite...)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// sqlitePath is the file a sqlite: URL names: "" (memory) for sqlite: and
// sqlite://, an absolute path for sqlite:///abs, a relative one for
// sqlite:rel or sqlite://./rel.
func sqlitePath(u *url.URL) (string, error) {
	if u.RawQuery != "" || u.User != nil {
		return "", fmt.Errorf("%w: a sqlite URL takes no user or query", ErrUnsupported)
	}
	if u.Opaque != "" { // sqlite:rel/path.db
		p, err := url.PathUnescape(u.Opaque)
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrUnsupported, err)
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
		return "", fmt.Errorf("%w: sqlite://%s names a host; use sqlite:///absolute/path or sqlite:relative/path", ErrUnsupported, u.Host)
	}
}
