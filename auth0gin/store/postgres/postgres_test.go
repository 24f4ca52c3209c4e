package postgres_test

import (
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/postgres"
	"github.com/auth0gin/auth0gin/auth0gin/store/storetest"
	"github.com/auth0gin/auth0gin/internal/testenv"
	"github.com/auth0gin/auth0gin/internal/testenv/pgtest"
	"github.com/jackc/pgx/v5"
)

func TestConformance(t *testing.T) {
	schema := storetest.PerTest(func(t *testing.T) string { return pgtest.Schema(t) })
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		s, err := postgres.Open(t.Context(), pgtest.URL(), postgres.WithSchema(schema(t)), postgres.WithClock(now),
			postgres.WithTimeout(pgtest.TestTimeout))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestConformanceWallClock runs the suite on the real clock, on stores
// opened from a URL as an app opens them.
func TestConformanceWallClock(t *testing.T) {
	schema := storetest.PerTest(func(t *testing.T) string { return pgtest.Schema(t) })
	storetest.Run(t, func(t *testing.T, _ func() time.Time) store.Store {
		s, err := store.Open(t.Context(), pgtest.WithParams(pgtest.URL(), "schema="+schema(t), "timeout="+pgtest.TestTimeout.String()))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, storetest.WallClock())
}

// The server behind a cut proxy is ErrUnavailable for every operation, and
// the same store, its subscriptions included, works again once the proxy is
// restored.
func TestServerCut(t *testing.T) {
	proxy, dsn := pgtest.Proxy(t)
	schema := pgtest.Schema(t)
	s := pgtest.OpenSchema(t, dsn, schema, "timeout=1s")
	storetest.Outage(t, s, func() {
		proxy.Cut()
		if _, err := s.(*postgres.Store).Sweep(t.Context()); !errors.Is(err, auth0gin.ErrUnavailable) {
			t.Errorf("Sweep behind a cut proxy = %v, want ErrUnavailable", err)
		}
		if _, err := store.Open(t.Context(), pgtest.WithParams(dsn, "schema="+schema)); !errors.Is(err, auth0gin.ErrUnavailable) {
			t.Errorf("Open behind a cut proxy = %v, want ErrUnavailable", err)
		}
	}, proxy.Restore)
}

// A server that stops answering (connections open, no byte passing) is
// ErrUnavailable once the store's timeout passes, not waited on forever, and
// the store works again once bytes flow.
func TestServerStalled(t *testing.T) {
	proxy, dsn := pgtest.Proxy(t)
	s := pgtest.OpenSchema(t, dsn, pgtest.Schema(t), "timeout=500ms")
	ctx := t.Context()
	later := time.Now().Add(time.Hour)
	if err := s.Set(ctx, "k", []byte("v"), later); err != nil {
		t.Fatal(err)
	}
	proxy.Stall()
	start := time.Now()
	if _, err := s.Get(ctx, "k"); !errors.Is(err, auth0gin.ErrUnavailable) {
		t.Errorf("Get from a stalled server = %v, want ErrUnavailable", err)
	}
	if err := s.Set(ctx, "k", []byte("v"), later); !errors.Is(err, auth0gin.ErrUnavailable) {
		t.Errorf("Set to a stalled server = %v, want ErrUnavailable", err)
	}
	t.Logf("2 operations on a stalled server failed in %v", time.Since(start))
	proxy.Restore()
	if err := testenv.Eventually(ctx, 15*time.Second, func() error { _, err := s.Get(ctx, "k"); return err }); err != nil {
		t.Fatalf("the store did not recover: %v", err)
	}
}

// Subscribe while the server cannot be reached fails with ErrUnavailable
// instead of hanging.
func TestSubscribeWhileCut(t *testing.T) {
	proxy, dsn := pgtest.Proxy(t)
	s := pgtest.OpenSchema(t, dsn, pgtest.Schema(t), "timeout=500ms")
	proxy.Cut()
	if _, err := s.Subscribe(t.Context(), "ch", func(string) {}); !errors.Is(err, auth0gin.ErrUnavailable) {
		t.Fatalf("Subscribe behind a cut proxy = %v, want ErrUnavailable", err)
	}
}

func TestSchemaAndSweep(t *testing.T) {
	clock := testenv.NewClock(time.Now())
	schema := pgtest.Schema(t)
	ctx := t.Context()
	s, err := postgres.Open(ctx, pgtest.URL(), postgres.WithSchema(schema), postgres.WithClock(clock.Now), postgres.WithSweepInterval(0))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
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

	testenv.Sweep(t, s, clock)
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
	_, err := store.Open(t.Context(), "postgres://postgres:s3cret-pass@127.0.0.1:1/test?sslmode=disable")
	if err == nil || !errors.Is(err, auth0gin.ErrUnavailable) || strings.Contains(err.Error(), "s3cret-pass") {
		t.Fatalf("Open of a closed port = %v; want ErrUnavailable without the password", err)
	}
	_, err = store.Open(t.Context(), "postgres://postgres:s3cret-pass@127.0.0.1:notaport/test")
	if err == nil || strings.Contains(err.Error(), "s3cret-pass") {
		t.Fatalf("Open of a bad URL = %v; want an error without the password", err)
	}
}

// The store's own URL parameters are checked and kept away from pgx (which
// would send them to the server as settings), and importing the package
// registers database/sql's driver "pgx".
func TestURLParams(t *testing.T) {
	schema := pgtest.Schema(t)
	s := pgtest.OpenSchema(t, pgtest.URL(), schema, "timeout=3s", "sweep_interval=0")
	if err := s.Set(t.Context(), "k", []byte("v"), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"timeout=0", "timeout=soon", "sweep_interval=-1s"} {
		_, err := store.Open(t.Context(), pgtest.WithParams(pgtest.URL(), bad))
		if !errors.Is(err, auth0gin.ErrConfig) {
			t.Errorf("Open with %s = %v, want ErrConfig", bad, err)
		}
	}
	if !slices.Contains(sql.Drivers(), "pgx") {
		t.Errorf("database/sql drivers = %q, want pgx among them", sql.Drivers())
	}
}
