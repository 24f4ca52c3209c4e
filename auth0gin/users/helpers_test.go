package users_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // the "sqlite" database/sql driver

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/management"
	"github.com/auth0gin/auth0gin/auth0gin/users"
)

// Carol's email is not verified: it must never link a row.
const (
	carolID    = "auth0|carol"
	carolEmail = "carol@example.com"
)

func newTenant(t testing.TB) *auth0test.Tenant {
	t.Helper()
	return auth0test.NewTenant(t, auth0test.WithUsers(devtenant.User{
		ID: carolID, Email: carolEmail, Password: "carol-password", Name: "Carol Unverified",
	}))
}

// pgURL is the shared PostgreSQL of this machine and CI.
func pgURL() string {
	if u := os.Getenv("USERS_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// skipOrFail skips a test for a missing service, except under CI.
func skipOrFail(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s: %v", what, err)
	}
	t.Skipf("%s not available: %v", what, err)
}

// pgSchema makes a schema of the test's own, dropped at cleanup, and
// returns the table name in it.
func pgSchema(t testing.TB) string {
	t.Helper()
	schema := randomName("users_test_")
	db, err := sql.Open("pgx", pgURL())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.PingContext(context.Background()); err != nil {
		db.Close()
		skipOrFail(t, "PostgreSQL at 127.0.0.1:5432", err)
	}
	t.Cleanup(func() {
		_, _ = db.ExecContext(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		db.Close()
	})
	return schema + ".users"
}

func pgStore(t testing.TB) *users.SQLStore {
	t.Helper()
	table := pgSchema(t)
	st, err := users.OpenSQL(context.Background(), pgURL(), table)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func sqliteStore(t testing.TB) *users.SQLStore {
	t.Helper()
	st, err := users.OpenSQL(context.Background(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// eachStore runs f on SQLite in memory and on PostgreSQL.
func eachStore(t *testing.T, f func(t *testing.T, st *users.SQLStore)) {
	t.Run("sqlite", func(t *testing.T) { f(t, sqliteStore(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, pgStore(t)) })
}

// counting counts the profile fetches that reach Auth0.
type counting struct {
	src users.ProfileSource
	n   atomic.Int64
}

func (c *counting) Profile(ctx context.Context, userBase, id string) (users.Profile, error) {
	c.n.Add(1)
	return c.src.Profile(ctx, userBase, id)
}

// base is the user base of a's tenant: its only issuer.
func base(a *auth0gin.Auth0) string { return a.Config().Issuers[0] }

func mgmtClient(t testing.TB, tenant *auth0test.Tenant) *management.Client {
	t.Helper()
	return mgmtClientAt(t, tenant.URL, tenant.ManagementAudience())
}

// mgmtClientAt is a Management API client of the dev tenant's machine
// client that talks to domain (the tenant, or something in front of it).
func mgmtClientAt(t testing.TB, domain, audience string) *management.Client {
	t.Helper()
	c, err := management.New(management.Config{
		Domain: domain, Audience: audience, ClientID: devtenant.M2MClient.ID, ClientSecret: devtenant.M2MClient.Secret,
		MaxRetries: 1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func verify(t testing.TB, auth *auth0gin.Auth0, token string) *auth0gin.Auth0User {
	t.Helper()
	u, err := auth.Verify(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func newResolver(t testing.TB, cfg users.Config[users.User]) *users.Resolver[users.User] {
	t.Helper()
	r, err := users.New(context.Background(), nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
