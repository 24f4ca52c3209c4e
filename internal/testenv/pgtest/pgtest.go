// Package pgtest opens postgres stores for tests: on the shared PostgreSQL
// server, in a schema of the test's own that is dropped when the test ends,
// optionally through a TCP proxy the test can cut.
//
//	import "github.com/auth0gin/auth0gin/internal/testenv/pgtest"
//
// The shared server is STORETEST_POSTGRES_URL, or
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable&connect_timeout=10. Without it a test
// is skipped, or failed under CI (see testenv.Unavailable).
package pgtest

import (
	"context"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/postgres" // postgres:// URLs
	"github.com/auth0gin/auth0gin/internal/testenv"
	"github.com/jackc/pgx/v5"
)

// URL is the shared server's URL: $STORETEST_POSTGRES_URL or
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable&connect_timeout=10.
func URL() string {
	if u := os.Getenv("STORETEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable&connect_timeout=10"
}

// Schema returns the name of a schema of t's own on the shared server
// (not yet created: the store creates it), dropped with everything in it
// when t ends. It skips t (fails it under CI) when the server does not
// answer.
func Schema(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, URL())
	if err != nil {
		testenv.Unavailable(t, "postgres at %s: %v", URL(), err)
	}
	_ = conn.Close(ctx)
	schema := testenv.UniqueName(t)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, URL())
		if err != nil {
			t.Logf("pgtest: dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Logf("pgtest: dropping schema %s: %v", schema, err)
		}
	})
	return schema
}

// Open opens a store on the shared server in a schema of t's own (see
// Schema), closed when t ends.
func Open(t testing.TB) store.Store {
	t.Helper()
	return OpenSchema(t, URL(), Schema(t))
}

// TestTimeout is the operation timeout of the stores this package opens
// unless params set their own: long enough that a loaded test machine is not
// taken for an outage. A fault test that stalls the server passes a short
// "timeout=500ms".
const TestTimeout = 10 * time.Second

// OpenSchema opens a store on dsn in schema, closed when t ends: two stores
// on one schema are two instances of an app. params are more of the store
// URL's query parameters ("timeout=1s", "sweep_interval=0").
func OpenSchema(t testing.TB, dsn, schema string, params ...string) store.Store {
	t.Helper()
	params = append([]string{"schema=" + schema, "timeout=" + TestTimeout.String()}, params...)
	s, err := store.Open(context.Background(), WithParams(dsn, params...))
	if err != nil {
		testenv.Unavailable(t, "postgres: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Proxy starts a testenv.Proxy to the shared server and returns it with
// the URL that reaches the server through it.
func Proxy(t testing.TB) (*testenv.Proxy, string) {
	t.Helper()
	u, err := url.Parse(URL())
	if err != nil {
		t.Fatal(err)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "5432")
	}
	p := testenv.NewProxy(t, host)
	u.Host = p.Addr()
	return p, u.String()
}

// WithParams is the URL dsn with the query parameters params ("key=value")
// set, replacing any of the same name.
func WithParams(dsn string, params ...string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	for _, p := range params {
		k, v, _ := strings.Cut(p, "=")
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	return u.String()
}
