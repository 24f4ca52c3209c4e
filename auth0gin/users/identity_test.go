package users_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/users"
)

// Claims of the profile, namespaced so that the dev tenant keeps them.
const (
	nsEmail    = "https://users.test/email"
	nsVerified = "https://users.test/email_verified"
	nsName     = "https://users.test/name"
)

// profileToken mints a token of tenant whose claims carry the whole profile.
func profileToken(t testing.TB, tenant *auth0test.Tenant, sub, email string) string {
	return tenant.Token(t, auth0test.Subject(sub), auth0test.Claims(map[string]any{
		nsEmail: email, nsVerified: true, nsName: "Name of " + sub,
	}))
}

func claimsResolver(t testing.TB, st users.Store[users.User]) *users.Resolver[users.User] {
	return newResolver(t, users.Config[users.User]{Store: st, EmailClaim: nsEmail, EmailVerifiedClaim: nsVerified, NameClaim: nsName})
}

// Finding 1 (issue 23): an API trusting tenants A and B. A's user owns a
// row; a token from B with the same sub (and another email) must get a row
// of its own, never A's, from the store or from the cache.
func TestSameSubFromTwoTenantsIsTwoUsers(t *testing.T) {
	a, b := auth0test.NewTenant(t), auth0test.NewTenant(t)
	auth := auth0gin.MustNew(a.Config(b))
	ctx := context.Background()
	eachStore(t, func(t *testing.T, st *users.SQLStore) {
		res := claimsResolver(t, st)
		fromA := verify(t, auth, profileToken(t, a, devtenant.Alice.ID, "alice@a.example"))
		fromB := verify(t, auth, profileToken(t, b, devtenant.Alice.ID, "mallory@b.example"))
		rowA, err := res.Resolve(ctx, fromA)
		if err != nil {
			t.Fatal(err)
		}
		for _, cached := range []bool{true, false} {
			if !cached {
				res.InvalidateAll()
			}
			rowB, err := res.Resolve(ctx, fromB)
			if err != nil {
				t.Fatal(err)
			}
			if rowB.User.ID == rowA.User.ID || rowB.User.Email != "mallory@b.example" || rowB.User.UserBase != b.URL {
				t.Fatalf("cached %v: B's user got %+v; A's row is %+v", cached, rowB.User, rowA.User)
			}
		}
		if again, err := res.Resolve(ctx, fromA); err != nil || again.User.ID != rowA.User.ID {
			t.Fatalf("A's user after B's: %+v %v", again, err)
		}
		// Invalidating B's user leaves A's alone, and the other way round.
		if _, err := st.FindByAuth0ID(ctx, b.URL, devtenant.Alice.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.Delete(ctx, a.URL, devtenant.Alice.ID); err != nil {
			t.Fatal(err)
		}
		res.Invalidate(b.URL, devtenant.Alice.ID)
		if cur, err := res.Resolve(ctx, fromA); err != nil || cur.User.ID != rowA.User.ID {
			t.Errorf("Invalidate of B's user forgot A's cached row: %+v %v", cur, err)
		}
		if n, _ := st.Count(ctx); n != 1 {
			t.Errorf("%d rows left, want B's", n)
		}
	})
}

// Finding 7 (issue 23): one email comparison on every backend, ASCII case
// only. The Kelvin sign (U+212A) and "Émile"/"émile" never link; ASCII case
// does.
func TestEmailLinkingFoldsASCIIOnly(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	ctx := context.Background()
	eachStore(t, func(t *testing.T, st *users.SQLStore) {
		res := claimsResolver(t, st)
		kate, _ := st.Insert(ctx, "kate@corp.example", "Imported Kate")
		emile, _ := st.Insert(ctx, "émile@corp.example", "Imported Émile")
		bob, _ := st.Insert(ctx, "bob@corp.example", "Imported Bob")
		for _, c := range []struct {
			sub, email string
			row        int64 // 0: a new row
		}{
			{"auth0|kelvin", "\u212Aate@corp.example", 0},
			{"auth0|emile", "Émile@corp.example", 0},
			{"auth0|bob", "BOB@Corp.Example", bob.ID},
			{"auth0|kate", "Kate@corp.example", kate.ID},
		} {
			cur, err := res.Resolve(ctx, verify(t, auth, profileToken(t, tenant, c.sub, c.email)))
			if err != nil {
				t.Fatal(err)
			}
			linked := cur.User.ID == kate.ID || cur.User.ID == emile.ID || cur.User.ID == bob.ID
			if (c.row == 0 && linked) || (c.row != 0 && cur.User.ID != c.row) {
				t.Errorf("%q got row %d %q, want %d (0: a new row)", c.email, cur.User.ID, cur.User.Email, c.row)
			}
		}
	})
	if got := users.EmailKey("Kate@CORP.example\u212A Émile"); got != "kate@corp.example\u212A Émile" {
		t.Errorf("EmailKey = %q", got)
	}
}

// A table of the first layout (auth0_id unique alone, no issuer, no
// email_key) is migrated: with one user base its rows keep working, and an
// imported row links by its email key; with several, New refuses to guess.
func TestMigrationFromTheFirstLayout(t *testing.T) {
	const old = `CREATE TABLE %[1]s (
		id %[2]s, auth0_id TEXT UNIQUE, email TEXT NOT NULL DEFAULT '', name TEXT NOT NULL DEFAULT '',
		picture TEXT NOT NULL DEFAULT '', created_at %[3]s NOT NULL, updated_at %[3]s NOT NULL)`
	const base = "https://tenant.example/"
	ctx := context.Background()
	for _, backend := range []struct{ name, url, table, id, time string }{
		{"sqlite", "sqlite://" + filepath.Join(t.TempDir(), "old.db"), "users", "INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT"},
		{"postgres", pgURL(), "", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "TIMESTAMPTZ"},
	} {
		t.Run(backend.name, func(t *testing.T) {
			table, driver := backend.table, "sqlite"
			if backend.name == "postgres" {
				table, driver = pgSchema(t), "pgx"
			}
			dsn := backend.url
			if driver == "sqlite" {
				dsn = "file:" + backend.url[len("sqlite://"):]
			}
			db, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if driver == "pgx" {
				if _, err := db.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+table[:len(table)-len(".users")]); err != nil {
					t.Fatal(err)
				}
			}
			for _, q := range []string{
				fmt.Sprintf(old, table, backend.id, backend.time),
				"CREATE INDEX " + indexOf(table) + "_email_idx ON " + table + " (lower(email))",
				"INSERT INTO " + table + " VALUES (7, 'auth0|alice', 'alice@example.com', 'Alice', '', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')",
				"INSERT INTO " + table + " VALUES (8, NULL, 'Kate@Corp.example', 'Kate', '', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')",
			} {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if _, err := users.OpenSQL(ctx, backend.url, table); !errors.Is(err, auth0gin.ErrConfig) {
				t.Fatalf("with no known user base: %v, want ErrConfig", err)
			}
			st, err := users.OpenSQLFor(ctx, backend.url, table, base)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if u, err := st.FindByAuth0ID(ctx, base, "auth0|alice"); err != nil || u.ID != 7 {
				t.Fatalf("alice's row after the migration: %+v %v", u, err)
			}
			if _, err := st.FindByAuth0ID(ctx, "https://other.example/", "auth0|alice"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("alice of another tenant: %v", err)
			}
			if u, err := st.LinkByEmail(ctx, "kate@corp.EXAMPLE", base, "auth0|kate"); err != nil || u.ID != 8 {
				t.Fatalf("kate's imported row: %+v %v", u, err)
			}
			if u, err := st.Create(ctx, users.Profile{UserBase: "https://other.example/", Auth0ID: "auth0|alice"}); err != nil || u.ID == 7 {
				t.Fatalf("alice of another tenant gets a row of her own: %+v %v", u, err)
			}
			// Opening again changes nothing.
			st2, err := users.OpenSQL(ctx, backend.url, table)
			if err != nil {
				t.Fatal(err)
			}
			st2.Close()
		})
	}
}

// nulSource answers a profile with NUL bytes, as a broken source might.
type nulSource struct{}

func (nulSource) Profile(_ context.Context, userBase, id string) (users.Profile, error) {
	return users.Profile{Auth0ID: id, UserBase: userBase, Email: "a\x00@b.example", EmailVerified: true, Name: "Al\x00ice"}, nil
}

// countingStore counts the calls that reach the store.
type countingStore struct {
	users.Store[users.User]
	n atomic.Int64
}

func (c *countingStore) FindByAuth0ID(ctx context.Context, userBase, id string) (users.User, error) {
	c.n.Add(1)
	return c.Store.FindByAuth0ID(ctx, userBase, id)
}

// Issue 23: NUL bytes never reach a store. In a claim the guard answers 401
// invalid_token before the resolver runs; from a profile source they are
// dropped, so PostgreSQL (which refuses NUL in text) still makes the row.
func TestNULNeverReachesTheStore(t *testing.T) {
	gin.SetMode(gin.TestMode)
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	eachStore(t, func(t *testing.T, st *users.SQLStore) {
		cs := &countingStore{Store: st}
		res := newResolver(t, users.Config[users.User]{Store: cs, Profiles: nulSource{}})
		r := gin.New()
		r.GET("/me", auth.RequireScopes(), res.Require(), func(c *gin.Context) { u, _ := users.From[users.User](c); c.JSON(200, u) })
		req := httptest.NewRequest(http.MethodGet, "/me", nil)
		req.Header.Set("Authorization", "Bearer "+tenant.Token(t, auth0test.Email("a\x00@b.example")))
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized || cs.n.Load() != 0 {
			t.Errorf("NUL in the email claim: %d %s, %d store calls; want 401 and none", rec.Code, rec.Body, cs.n.Load())
		}
		cur, err := res.Resolve(context.Background(), verify(t, auth, tenant.Token(t)))
		if err != nil {
			t.Fatalf("a profile with NUL bytes: %v", err)
		}
		if cur.User.Name != "Alice" || cur.User.Email != "" {
			t.Errorf("row %+v, want the name without NUL and no email", cur.User)
		}
	})
}

// indexOf is the name the first layout gave an index of table t.
func indexOf(t string) string {
	if _, rest, ok := strings.Cut(t, "."); ok {
		return rest
	}
	return t
}
