package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
	"github.com/auth0gin/auth0gin/auth0gin/store/storetest"
	"github.com/auth0gin/auth0gin/internal/testenv"
)

func TestConformanceFile(t *testing.T) {
	dir := storetest.PerTest(func(t *testing.T) string { return t.TempDir() })
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		s, err := sqlite.Open(t.Context(), filepath.Join(dir(t), "sessions.db"),
			sqlite.WithClock(now), sqlite.WithPollInterval(10*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestConformanceMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		s, err := sqlite.Open(t.Context(), "", sqlite.WithClock(now))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, storetest.SingleInstance())
}

// TestConformanceWallClock runs the suite once on the real clock, as an app
// does, on stores opened from a URL.
func TestConformanceWallClock(t *testing.T) {
	dir := storetest.PerTest(func(t *testing.T) string { return t.TempDir() })
	storetest.Run(t, func(t *testing.T, _ func() time.Time) store.Store {
		s, err := store.Open(t.Context(), "sqlite://"+filepath.Join(dir(t), "s.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, storetest.WallClock())
}

func open(t *testing.T, path string, opts ...sqlite.Option) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// A process restart on a file keeps what was stored.
func TestSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions.db")
	ctx := t.Context()
	later := time.Now().Add(time.Hour)
	s := open(t, path)
	if err := s.Set(ctx, "session:1", []byte("alice"), later); err != nil {
		t.Fatal(err)
	}
	if err := s.AddMember(ctx, "user:alice", "session:1", later); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	got, err := s.Get(ctx, "session:1")
	if err != nil || string(got) != "alice" {
		t.Fatalf("after a restart Get = %q, %v", got, err)
	}
	members, err := s.Members(ctx, "user:alice")
	if err != nil || len(members) != 1 || members[0] != "session:1" {
		t.Fatalf("after a restart Members = %q, %v", members, err)
	}
}

// 32 concurrent writers, on four Store values (as four processes would
// hold) on one file, never see "database is locked".
func TestConcurrentWritersOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions.db")
	var stores []*sqlite.Store
	for range 4 {
		stores = append(stores, open(t, path))
	}
	ctx := t.Context()
	later := time.Now().Add(time.Hour)
	const writers, rounds = 32, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds)
	start := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			s := stores[w%len(stores)]
			for i := range rounds {
				key := fmt.Sprintf("session:%d:%d", w, i)
				if err := s.Set(ctx, key, []byte("claims"), later); err != nil {
					errs <- err
				}
				if _, err := s.Add(ctx, fmt.Sprintf("lock:%d", i), []byte("x"), later); err != nil {
					errs <- err
				}
				if err := s.AddMember(ctx, "user:u", key, later); err != nil {
					errs <- err
				}
				if _, err := s.Get(ctx, key); err != nil {
					errs <- err
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if strings.Contains(err.Error(), "locked") {
			t.Errorf("database is locked: %v", err)
		} else {
			t.Errorf("concurrent write: %v", err)
		}
	}
	members, err := stores[0].Members(ctx, "user:u")
	if err != nil || len(members) != writers*rounds {
		t.Fatalf("Members = %d members, %v; want %d", len(members), err, writers*rounds)
	}
}

// A writer that holds the lock past the busy timeout makes the store
// unavailable, not wrong; it answers again once the lock is gone.
func TestLockedIsUnavailable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := open(t, path, sqlite.WithBusyTimeout(50*time.Millisecond))
	ctx := t.Context()
	later := time.Now().Add(time.Hour)

	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	err = s.Set(ctx, "k", []byte("v"), later)
	if !errors.Is(err, auth0gin.ErrUnavailable) {
		t.Fatalf("Set under another writer's lock = %v, want ErrUnavailable", err)
	}
	err = s.SetMany(ctx, store.Entry{Key: "k", Value: []byte("v"), ExpiresAt: later}, store.Entry{Key: "k2", ExpiresAt: later})
	if !errors.Is(err, auth0gin.ErrUnavailable) {
		t.Fatalf("SetMany under another writer's lock = %v, want ErrUnavailable", err)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, "k", []byte("v"), later); err != nil {
		t.Fatalf("Set after the lock was released: %v", err)
	}
	if err := s.SetMany(ctx, store.Entry{Key: "k2", Value: []byte("v2"), ExpiresAt: later}); err != nil {
		t.Fatalf("SetMany after the lock was released: %v", err)
	}
	if v, err := s.Get(ctx, "k2"); err != nil || string(v) != "v2" {
		t.Fatalf("Get after SetMany = %q, %v", v, err)
	}
}

func TestSchemaVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := open(t, path)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var version int
	if err := db.QueryRow(`SELECT version FROM auth0gin_schema`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version < 1 {
		t.Fatalf("schema version %d after Open", version)
	}
	var mode string
	if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
	// Opening again leaves the version alone (migrations are not rerun).
	open(t, path)
	var again int
	if err := db.QueryRow(`SELECT version FROM auth0gin_schema`).Scan(&again); err != nil || again != version {
		t.Fatalf("version after a second Open = %d, %v", again, err)
	}
	// A file from a newer build is refused, not damaged.
	if _, err := db.Exec(`UPDATE auth0gin_schema SET version = 999`); err != nil {
		t.Fatal(err)
	}
	if s, err := sqlite.Open(context.Background(), path); err == nil {
		_ = s.Close()
		t.Fatal("Open accepted a schema from a newer build")
	}
}

func TestSweep(t *testing.T) {
	clock := testenv.NewClock(time.Now())
	path := filepath.Join(t.TempDir(), "s.db")
	s := open(t, path, sqlite.WithClock(clock.Now), sqlite.WithSweepInterval(0))
	testenv.Sweep(t, s, clock)
}
