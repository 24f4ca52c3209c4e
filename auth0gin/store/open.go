package store

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store/internal/redact"
)

// opener opens a store from a parsed URL; see Register.
type opener = func(ctx context.Context, u *url.URL) (Store, error)

var (
	openersMu sync.RWMutex
	openers   = map[string]opener{}
)

// importOf names the package to import for each scheme this module ships a
// backend for, so that Open can tell a missing import from a typo.
var importOf = map[string]string{
	"sqlite":          "github.com/auth0gin/auth0gin/auth0gin/store/sqlite",
	"sqlite3":         "github.com/auth0gin/auth0gin/auth0gin/store/sqlite",
	"redis":           "github.com/auth0gin/auth0gin/auth0gin/store/redis",
	"rediss":          "github.com/auth0gin/auth0gin/auth0gin/store/redis",
	"redis+cluster":   "github.com/auth0gin/auth0gin/auth0gin/store/redis",
	"rediss+cluster":  "github.com/auth0gin/auth0gin/auth0gin/store/redis",
	"redis+sentinel":  "github.com/auth0gin/auth0gin/auth0gin/store/redis",
	"rediss+sentinel": "github.com/auth0gin/auth0gin/auth0gin/store/redis",
	"postgres":        "github.com/auth0gin/auth0gin/auth0gin/store/postgres",
	"postgresql":      "github.com/auth0gin/auth0gin/auth0gin/store/postgres",
}

// Register makes a backend available to Open under a URL scheme (matched
// without regard to case). Backend packages call it from their init, so that
// importing one, if only for its side effect, is what makes its URLs open:
//
//	import _ "github.com/auth0gin/auth0gin/auth0gin/store/redis"
//
// open gets the parsed URL, its scheme included; it must not keep u, and its
// errors must not print a password from it. Register panics if open is nil
// or if scheme is registered twice, as database/sql.Register does.
func Register(scheme string, open func(ctx context.Context, u *url.URL) (Store, error)) {
	scheme = strings.ToLower(scheme)
	if open == nil {
		panic("store: Register of a nil opener for scheme " + scheme)
	}
	openersMu.Lock()
	defer openersMu.Unlock()
	if _, dup := openers[scheme]; dup {
		panic("store: Register called twice for scheme " + scheme)
	}
	openers[scheme] = open
}

// Open opens the store rawURL names, with the backend registered for its
// scheme (see Register). The forms of the backends this module ships:
//
//	(empty)                                  SQLite in memory (one process; lost on exit)
//	sqlite:///var/lib/app/sessions.db        SQLite file, absolute path
//	sqlite:data/sessions.db                  SQLite file, relative to the working directory
//	sqlite://./data/sessions.db              the same
//	sqlite: or sqlite://                     SQLite in memory
//	redis://[user:password@]host:6379/0      Redis; rediss:// for TLS; ?key_prefix=app: (default auth0gin:)
//	redis+cluster://h1:7000?addr=h2:7001     Redis Cluster (go-redis's ParseClusterURL; more seeds in addr=)
//	redis+sentinel://s1:26379/0?master_name=mymaster&addr=s2:26379
//	                                         Redis behind Sentinel (go-redis's ParseFailoverURL)
//	postgres://user:password@host:5432/db    PostgreSQL (or postgresql://); ?schema=name (default public)
//
// Each needs its package imported: store/sqlite (the empty URL included),
// store/redis or store/postgres. Redis URLs also take go-redis's options
// (dial_timeout, read_timeout, …) and PostgreSQL URLs pgx's (sslmode,
// connect_timeout, pool_max_conns, …) and the store's own (timeout,
// sweep_interval); see each package's doc.
//
// A URL that names no imported backend, or that its backend refuses, is an
// error wrapping auth0gin.ErrConfig; a server that cannot be reached is an
// error wrapping auth0gin.ErrUnavailable. Errors never print a password from
// the URL. ctx bounds the opening only.
func Open(ctx context.Context, rawURL string) (Store, error) {
	rawURL = strings.TrimSpace(rawURL)
	u := &url.URL{Scheme: "sqlite"}
	if rawURL != "" {
		var err error
		if u, err = url.Parse(rawURL); err != nil {
			return nil, fmt.Errorf("%w: store URL %s: %w", auth0gin.ErrConfig, redact.URL(rawURL), redact.Error(err, rawURL))
		}
	}
	scheme := strings.ToLower(u.Scheme)
	openersMu.RLock()
	open := openers[scheme]
	openersMu.RUnlock()
	if open == nil {
		return nil, noBackend(rawURL, scheme)
	}
	s, err := open(ctx, u)
	if err != nil {
		return nil, redact.Error(err, rawURL)
	}
	return s, nil
}

// noBackend is Open's error for a scheme nobody registered.
func noBackend(rawURL, scheme string) error {
	if rawURL == "" {
		return fmt.Errorf(`%w: an empty store URL means SQLite in memory: add import _ %q`,
			auth0gin.ErrConfig, importOf["sqlite"])
	}
	if pkg, ok := importOf[scheme]; ok {
		return fmt.Errorf(`%w: store URL %s: no %s backend is linked: add import _ %q`,
			auth0gin.ErrConfig, redact.URL(rawURL), scheme, pkg)
	}
	openersMu.RLock()
	known := make([]string, 0, len(openers))
	for s := range openers {
		known = append(known, s+":")
	}
	openersMu.RUnlock()
	slices.Sort(known)
	if len(known) == 0 {
		known = []string{"none"}
	}
	return fmt.Errorf("%w: store URL %s: unsupported scheme %q (linked backends: %s)",
		auth0gin.ErrConfig, redact.URL(rawURL), scheme, strings.Join(known, ", "))
}
