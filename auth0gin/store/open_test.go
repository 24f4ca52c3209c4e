package store_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/postgres"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/redis"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
	"github.com/auth0gin/auth0gin/internal/testenv/pgtest"
	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
)

func open(t *testing.T, raw string) store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), raw)
	if err != nil {
		t.Fatalf("Open(%q): %v", raw, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	roundTrip(t, s)
	return s
}

func roundTrip(t *testing.T, s store.Store) {
	t.Helper()
	ctx := t.Context()
	if err := s.Set(ctx, "k", []byte("v"), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get(ctx, "k"); err != nil || string(v) != "v" {
		t.Fatalf("Get = %q, %v", v, err)
	}
}

// backendOf names the package whose store s is ("sqlite", "redis", ...).
func backendOf(s store.Store) string {
	name := fmt.Sprintf("%T", s) // *sqlite.backend
	pkg, _, _ := strings.Cut(strings.TrimPrefix(name, "*"), ".")
	return pkg
}

func TestSQLite(t *testing.T) {
	for _, raw := range []string{"", "  ", "sqlite:", "sqlite://", "sqlite::memory:", "SQLite:"} {
		if got := backendOf(open(t, raw)); got != "sqlite" {
			t.Fatalf("Open(%q) opened a %s store", raw, got)
		}
	}
	dir := t.TempDir()
	abs := filepath.Join(dir, "abs.db")
	open(t, "sqlite://"+abs)
	if _, err := os.Stat(abs); err != nil {
		t.Fatalf("sqlite:///abs made no file: %v", err)
	}
	t.Chdir(dir)
	open(t, "sqlite:rel.db")
	open(t, "sqlite://./dot.db")
	open(t, "sqlite:with%20space.db")
	for _, f := range []string{"rel.db", "dot.db", "with space.db"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatalf("no file %s: %v", f, err)
		}
	}
	for _, raw := range []string{"sqlite://host/x.db", "sqlite:x.db?mode=ro", "sqlite://u@/x.db"} {
		if _, err := store.Open(t.Context(), raw); !errors.Is(err, auth0gin.ErrConfig) {
			t.Errorf("%s = %v, want ErrConfig", raw, err)
		}
	}
}

func TestRedis(t *testing.T) {
	prefix := redistest.Prefix(t)
	s := open(t, redistest.WithPrefix(redistest.TestURL(), prefix))
	if got := backendOf(s); got != "redis" {
		t.Fatalf("a redis URL opened a %s store", got)
	}
	// The prefix applies: a store opened on it directly sees the value.
	direct := redistest.OpenPrefix(t, prefix)
	if v, err := direct.Get(t.Context(), "k"); err != nil || string(v) != "v" {
		t.Fatalf("the key_prefix was not used: %q, %v", v, err)
	}
}

func TestPostgres(t *testing.T) {
	schema := pgtest.Schema(t)
	raw := pgtest.WithParams(pgtest.URL(), "schema="+schema)
	s := open(t, raw)
	if got := backendOf(s); got != "postgres" {
		t.Fatalf("a postgres URL opened a %s store", got)
	}
	direct := pgtest.OpenSchema(t, pgtest.URL(), schema)
	if v, err := direct.Get(t.Context(), "k"); err != nil || string(v) != "v" {
		t.Fatalf("the schema was not used: %q, %v", v, err)
	}
	open(t, strings.Replace(raw, "postgres://", "postgresql://", 1))
}

func TestUnsupported(t *testing.T) {
	for _, raw := range []string{"mysql://root@127.0.0.1/db", "://x", "memcached:"} {
		_, err := store.Open(t.Context(), raw)
		if !errors.Is(err, auth0gin.ErrConfig) {
			t.Errorf("Open(%q) = %v, want ErrConfig", raw, err)
		}
	}
	_, err := store.Open(t.Context(), "mysql://root@127.0.0.1/db")
	if err == nil || !strings.Contains(err.Error(), "postgres:") || !strings.Contains(err.Error(), "redis:") {
		t.Errorf("the error for an unknown scheme lists no linked backend: %v", err)
	}
}

func TestErrorsHidePassword(t *testing.T) {
	const secret = "s3cret-Pa55"
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for _, raw := range []string{
		"mysql://root:" + secret + "@127.0.0.1/db",
		"redis://user:" + secret + "@127.0.0.1:1/0",
		"redis://user:" + secret + "@127.0.0.1:bad/0",
		"redis://user:" + secret + "@127.0.0.1:1/0?key_prefix=x&dial_timeout=bad",
		"postgres://postgres:" + secret + "@127.0.0.1:1/test?sslmode=disable",
		"postgres://postgres@127.0.0.1:1/test?sslmode=disable&password=" + secret,
		"postgres://postgres:" + secret + "@127.0.0.1:bad/test",
		"postgres://postgres:" + secret + "@127.0.0.1:1/test?timeout=bad",
		"sqlite://u:" + secret + "@/x.db",
		"::" + secret,
	} {
		_, err := store.Open(ctx, raw)
		if err == nil {
			t.Errorf("Open(%q) succeeded", raw)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("Open's error prints the password: %v", err)
		}
	}
	for _, raw := range []string{
		"redis://user:" + secret + "@127.0.0.1:1/0",
		"postgres://postgres:" + secret + "@127.0.0.1:1/test?sslmode=disable",
	} {
		if _, err := store.Open(ctx, raw); !errors.Is(err, auth0gin.ErrUnavailable) {
			t.Errorf("an unreachable server = %v, want ErrUnavailable", err)
		}
	}
}

func TestRegister(t *testing.T) {
	opened := false
	store.Register("test-register", func(_ context.Context, u *url.URL) (store.Store, error) {
		opened = u.Host == "h"
		return nil, errors.New("refused")
	})
	if _, err := store.Open(t.Context(), "TEST-REGISTER://h"); err == nil || !opened {
		t.Fatalf("Open did not reach the registered opener: %v, %v", err, opened)
	}
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", name)
			}
		}()
		f()
	}
	mustPanic("a second Register of one scheme", func() {
		store.Register("Test-Register", func(context.Context, *url.URL) (store.Store, error) { return nil, nil })
	})
	mustPanic("Register of a nil opener", func() { store.Register("test-nil", nil) })
}

// An app on Redis alone links neither SQLite nor pgx: the backends are
// chosen by import. testdata/redisonly is such an app.
func TestOnlyImportedDrivers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "./testdata/redisonly").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	var redis bool
	for _, d := range deps {
		switch {
		case strings.HasPrefix(d, "modernc.org/sqlite"), strings.HasPrefix(d, "github.com/jackc/pgx"),
			strings.HasSuffix(d, "/store/sqlite"), strings.HasSuffix(d, "/store/postgres"):
			t.Errorf("an app on Redis links %s", d)
		case d == "github.com/redis/go-redis/v9":
			redis = true
		}
	}
	if !redis {
		t.Errorf("the app does not link go-redis: %q", deps)
	}
}

// Finding 3 of the review: a URL that does not parse was reported with
// url.Parse's error, which quotes the URL with %q; a password holding ", \
// or a control character was then printed (escaped, so the redaction of the
// raw URL missed it), and the original error stayed reachable through
// Unwrap. Now the message is fixed and the parse error is not kept.
func TestUnparsableURLHidesPassword(t *testing.T) {
	for _, pw := range []string{`se"cr3t`, `se\cr3t`, "se\tcr3t", `se"\` + "\tcr3t"} {
		for _, scheme := range []string{"redis", "rediss+cluster", "postgres", "sqlite", "mysql"} {
			raw := scheme + "://u:" + pw + "@h:1/0"
			_, err := store.Open(t.Context(), raw)
			if !errors.Is(err, auth0gin.ErrConfig) {
				t.Errorf("Open(%q) = %v, want ErrConfig", raw, err)
				continue
			}
			var ue *url.Error
			if errors.As(err, &ue) {
				t.Errorf("Open(%q) keeps url.Parse's error: %v", raw, ue)
			}
			for _, e := range chain(err) {
				if msg := e.Error(); strings.Contains(msg, "cr3t") {
					t.Errorf("Open(%q): an error in the chain prints the password: %s", raw, msg)
				}
			}
		}
	}
}

// chain is err and every error it wraps.
func chain(err error) []error {
	if err == nil {
		return nil
	}
	out := []error{err}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		out = append(out, chain(u.Unwrap())...)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			out = append(out, chain(e)...)
		}
	}
	return out
}

// Finding 7 of the review: url.Query drops a pair holding ';' without a
// word, so ?schema=a;b opened schema public (another app's data space) and
// ?key_prefix=a;b the default prefix. Such a query is now refused with
// ErrConfig before anything is dialed, and without printing a password
// that sits in it.
func TestQueryWithSemicolonIsRefused(t *testing.T) {
	for _, raw := range []string{
		"postgres://u:s3cret@127.0.0.1:1/db?schema=a;b",
		"postgres://u@127.0.0.1:1/db?sslmode=disable&password=s3c;ret",
		"postgres://u:s3cret@127.0.0.1:1/db?schema=a%zz",
		"redis://u:s3cret@127.0.0.1:1/0?key_prefix=a;b",
		"redis+sentinel://127.0.0.1:1/0?master_name=m&password=s3c;ret",
		"redis+cluster://u:s3cret@127.0.0.1:1?key_prefix=a:;addr=127.0.0.1:2",
	} {
		_, err := store.Open(t.Context(), raw)
		if !errors.Is(err, auth0gin.ErrConfig) || errors.Is(err, auth0gin.ErrUnavailable) {
			t.Errorf("Open(%q) = %v, want ErrConfig (and no attempt to connect)", raw, err)
			continue
		}
		if strings.Contains(err.Error(), "s3c") || !strings.Contains(err.Error(), "query") {
			t.Errorf("Open(%q) = %v: want the query named and no password", raw, err)
		}
	}
}
