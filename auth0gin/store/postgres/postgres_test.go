package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/postgres"
	"github.com/auth0gin/auth0gin/auth0gin/store/postgres/pgtest"
	"github.com/auth0gin/auth0gin/auth0gin/store/storetest"
	"github.com/jackc/pgx/v5"
)

func TestConformance(t *testing.T) {
	clock := storetest.NewClock(time.Now())
	schema := storetest.PerTest(func(t *testing.T) string { return pgtest.Schema(t) })
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := postgres.Open(t.Context(), pgtest.URL(), postgres.WithSchema(schema(t)), postgres.WithClock(clock.Now))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, storetest.WithClock(clock))
}

func TestConformanceWallClock(t *testing.T) {
	schema := storetest.PerTest(func(t *testing.T) string { return pgtest.Schema(t) })
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := postgres.Open(t.Context(), pgtest.URL(), postgres.WithSchema(schema(t)))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// The server behind a cut proxy is ErrUnavailable for every operation, and
// the same store, its subscriptions included, works again once the proxy is
// restored.
func TestServerCut(t *testing.T) {
	proxy, dsn := pgtest.Proxy(t)
	schema := pgtest.Schema(t)
	s := pgtest.OpenSchema(t, dsn, schema, postgres.WithTimeout(time.Second))
	ctx := t.Context()
	later := time.Now().Add(time.Hour)
	if err := s.Set(ctx, "k", []byte("v"), later); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 10)
	stop, err := s.Subscribe(ctx, "ch", func(m string) { got <- m })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	proxy.Cut()
	start := time.Now()
	for name, op := range map[string]func() error{
		"Get":       func() error { _, err := s.Get(ctx, "k"); return err },
		"Set":       func() error { return s.Set(ctx, "k", []byte("v"), later) },
		"Add":       func() error { _, err := s.Add(ctx, "a", []byte("v"), later); return err },
		"Delete":    func() error { return s.Delete(ctx, "k") },
		"AddMember": func() error { return s.AddMember(ctx, "s", "m", later) },
		"Members":   func() error { _, err := s.Members(ctx, "s"); return err },
		"Publish":   func() error { return s.Publish(ctx, "ch", "m") },
		"Sweep":     func() error { _, err := s.Sweep(ctx); return err },
	} {
		if err := op(); !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("%s behind a cut proxy = %v, want ErrUnavailable", name, err)
		}
	}
	t.Logf("8 operations behind a cut proxy failed in %v", time.Since(start))
	if _, err := postgres.Open(ctx, dsn, postgres.WithSchema(schema)); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Open behind a cut proxy = %v, want ErrUnavailable", err)
	}

	proxy.Restore()
	if err := eventually(ctx, func() error { return s.Set(ctx, "k", []byte("back"), later) }); err != nil {
		t.Fatalf("the store did not recover: %v", err)
	}
	if v, err := s.Get(ctx, "k"); err != nil || string(v) != "back" {
		t.Fatalf("Get after recovery = %q, %v", v, err)
	}
	err = eventually(ctx, func() error {
		if err := s.Publish(ctx, "ch", "after"); err != nil {
			return err
		}
		select {
		case <-got:
			return nil
		case <-time.After(100 * time.Millisecond):
			return errors.New("no message yet")
		}
	})
	if err != nil {
		t.Fatalf("the subscription did not recover: %v", err)
	}
}

// Subscribe while the server cannot be reached fails with ErrUnavailable
// instead of hanging.
func TestSubscribeWhileCut(t *testing.T) {
	proxy, dsn := pgtest.Proxy(t)
	s := pgtest.OpenSchema(t, dsn, pgtest.Schema(t), postgres.WithTimeout(500*time.Millisecond))
	proxy.Cut()
	if _, err := s.Subscribe(t.Context(), "ch", func(string) {}); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Subscribe behind a cut proxy = %v, want ErrUnavailable", err)
	}
}

func eventually(ctx context.Context, op func() error) error {
	deadline := time.Now().Add(15 * time.Second)
	for {
		err := op()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func TestSchemaAndSweep(t *testing.T) {
	clock := storetest.NewClock(time.Now())
	schema := pgtest.Schema(t)
	s := pgtest.OpenSchema(t, pgtest.URL(), schema, postgres.WithClock(clock.Now), postgres.WithSweepInterval(0))
	ctx := t.Context()
	// A second instance starting on the same schema migrates nothing twice.
	pgtest.OpenSchema(t, pgtest.URL(), schema)
	conn, err := pgx.Connect(ctx, pgtest.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var version int
	if err := conn.QueryRow(ctx, "SELECT version FROM "+pgx.Identifier{schema}.Sanitize()+".auth0gin_schema").Scan(&version); err != nil || version < 1 {
		t.Fatalf("schema version = %d, %v", version, err)
	}
	var rows int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{schema}.Sanitize()+".auth0gin_schema").Scan(&rows); err != nil || rows != 1 {
		t.Fatalf("%d rows in auth0gin_schema, %v", rows, err)
	}

	soon := clock.Now().Add(time.Minute)
	for i := range 10 {
		if err := s.Set(ctx, fmt.Sprint("k", i), []byte("v"), soon); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Set(ctx, "live", []byte("v"), clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.AddMember(ctx, "set", "m", soon); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Sweep(ctx); err != nil || n != 0 {
		t.Fatalf("Sweep before expiry = %d, %v", n, err)
	}
	clock.Advance(2 * time.Minute)
	if n, err := s.Sweep(ctx); err != nil || n != 11 {
		t.Fatalf("Sweep after expiry = %d, %v; want 11", n, err)
	}
	if _, err := s.Get(ctx, "live"); err != nil {
		t.Fatalf("Sweep removed a live value: %v", err)
	}
	// A schema from a newer build is refused, not damaged.
	if _, err := conn.Exec(ctx, "UPDATE "+pgx.Identifier{schema}.Sanitize()+".auth0gin_schema SET version = 999"); err != nil {
		t.Fatal(err)
	}
	if s, err := postgres.Open(ctx, pgtest.URL(), postgres.WithSchema(schema)); err == nil {
		_ = s.Close()
		t.Fatal("Open accepted a schema from a newer build")
	}
}

func TestMessageTooLong(t *testing.T) {
	s := pgtest.Open(t)
	if err := s.Publish(t.Context(), "ch", strings.Repeat("m", 8000)); err == nil {
		t.Fatal("Publish accepted a message over NOTIFY's limit")
	}
}

func TestOpenHidesPassword(t *testing.T) {
	_, err := postgres.Open(t.Context(), "postgres://postgres:s3cret-pass@127.0.0.1:1/test?sslmode=disable")
	if err == nil || !errors.Is(err, store.ErrUnavailable) || strings.Contains(err.Error(), "s3cret-pass") {
		t.Fatalf("Open of a closed port = %v; want ErrUnavailable without the password", err)
	}
	_, err = postgres.Open(t.Context(), "postgres://postgres:s3cret-pass@127.0.0.1:notaport/test")
	if err == nil || strings.Contains(err.Error(), "s3cret-pass") {
		t.Fatalf("Open of a bad URL = %v; want an error without the password", err)
	}
}
