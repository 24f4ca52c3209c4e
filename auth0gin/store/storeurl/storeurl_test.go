package storeurl_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/postgres"
	"github.com/auth0gin/auth0gin/auth0gin/store/postgres/pgtest"
	"github.com/auth0gin/auth0gin/auth0gin/store/redis"
	"github.com/auth0gin/auth0gin/auth0gin/store/redis/redistest"
	"github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
	"github.com/auth0gin/auth0gin/auth0gin/store/storeurl"
)

func open(t *testing.T, raw string) store.Store {
	t.Helper()
	s, err := storeurl.Open(t.Context(), raw)
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

func TestSQLite(t *testing.T) {
	for _, raw := range []string{"", "  ", "sqlite:", "sqlite://", "sqlite::memory:"} {
		if _, ok := open(t, raw).(*sqlite.Store); !ok {
			t.Fatalf("Open(%q) is no SQLite store", raw)
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
	if _, err := storeurl.Open(t.Context(), "sqlite://host/x.db"); !errors.Is(err, storeurl.ErrUnsupported) {
		t.Fatalf("sqlite://host/x.db = %v, want ErrUnsupported", err)
	}
}

func TestRedis(t *testing.T) {
	prefix := redistest.Prefix(t)
	u := redistest.URL()
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	s := open(t, u+sep+"key_prefix="+prefix)
	if _, ok := s.(*redis.Store); !ok {
		t.Fatalf("a redis URL opened %T", s)
	}
	// The prefix applies: a store opened on it directly sees the value.
	direct := redistest.OpenPrefix(t, prefix)
	if v, err := direct.Get(t.Context(), "k"); err != nil || string(v) != "v" {
		t.Fatalf("the key_prefix was not used: %q, %v", v, err)
	}
}

func TestPostgres(t *testing.T) {
	schema := pgtest.Schema(t)
	raw := pgtest.URL()
	sep := "?"
	if strings.Contains(raw, "?") {
		sep = "&"
	}
	s := open(t, raw+sep+"schema="+schema)
	if _, ok := s.(*postgres.Store); !ok {
		t.Fatalf("a postgres URL opened %T", s)
	}
	direct := pgtest.OpenSchema(t, pgtest.URL(), schema)
	if v, err := direct.Get(t.Context(), "k"); err != nil || string(v) != "v" {
		t.Fatalf("the schema was not used: %q, %v", v, err)
	}
	open(t, strings.Replace(raw, "postgres://", "postgresql://", 1)+sep+"schema="+schema)
}

func TestErrorsHidePassword(t *testing.T) {
	const secret = "s3cret-Pa55"
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for _, raw := range []string{
		"mysql://root:" + secret + "@127.0.0.1/db",
		"redis://user:" + secret + "@127.0.0.1:1/0",
		"redis://user:" + secret + "@127.0.0.1:bad/0",
		"postgres://postgres:" + secret + "@127.0.0.1:1/test?sslmode=disable",
		"postgres://postgres@127.0.0.1:1/test?sslmode=disable&password=" + secret,
		"postgres://postgres:" + secret + "@127.0.0.1:bad/test",
		"sqlite://u:" + secret + "@/x.db",
		"::" + secret,
	} {
		_, err := storeurl.Open(ctx, raw)
		if err == nil {
			t.Errorf("Open(%q) succeeded", raw)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("Open's error prints the password: %v", err)
		}
	}
	_, err := storeurl.Open(ctx, "redis://user:"+secret+"@127.0.0.1:1/0")
	if !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("an unreachable redis = %v, want ErrUnavailable", err)
	}
}
