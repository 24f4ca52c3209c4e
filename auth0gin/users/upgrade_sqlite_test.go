package users_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/users"
)

// oldSQLite makes a SQLite file holding a users table of the first layout
// (as the library created it: AUTOINCREMENT, auth0_id unique alone, the
// lower(email) index) with ids 1 to 3, id 3 deleted, then runs extra; it
// returns the file's URL and an open handle on it.
func oldSQLite(t *testing.T, extra ...string) (string, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	const ts = "'2020-01-01T00:00:00.000000Z'"
	for _, q := range append([]string{
		`CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, auth0_id TEXT UNIQUE, email TEXT NOT NULL DEFAULT '',
			name TEXT NOT NULL DEFAULT '', picture TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
		`CREATE INDEX users_email_idx ON users (lower(email))`,
		`INSERT INTO users (auth0_id, email, created_at, updated_at) VALUES
			('auth0|a', 'a@x.example', ` + ts + `, ` + ts + `),
			('auth0|b', 'b@x.example', ` + ts + `, ` + ts + `),
			('auth0|c', 'c@x.example', ` + ts + `, ` + ts + `)`,
		`DELETE FROM users WHERE id = 3`,
	}, extra...) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return "sqlite://" + path, db
}

// Finding 1 of the review: the SQLite upgrade copies the table, and the
// copy's AUTOINCREMENT counter was max(id) of the rows copied, so the id of
// a deleted user (whose orders, documents or grants the app may still key
// by it) was given to the next new user.
func TestSQLiteUpgradeNeverReusesADeletedID(t *testing.T) {
	ctx := context.Background()
	url, db := oldSQLite(t)
	st, err := users.OpenSQLFor(ctx, url, "", "https://tenant.example/")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.Create(ctx, users.Profile{UserBase: "https://tenant.example/", Auth0ID: "auth0|new"})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID <= 3 {
		t.Fatalf("the first user after the upgrade got id %d, want > 3 (id 3 was a deleted user's)", u.ID)
	}
	var seq int64
	if err := db.QueryRow(`SELECT seq FROM sqlite_sequence WHERE name = 'users'`).Scan(&seq); err != nil || seq != u.ID {
		t.Fatalf("sqlite_sequence of users: %d %v, want %d", seq, err, u.ID)
	}
	if u, err := st.FindByAuth0ID(ctx, "https://tenant.example/", "auth0|b"); err != nil || u.ID != 2 {
		t.Fatalf("b's row after the upgrade: %+v %v", u, err)
	}
}

// Finding 1 of the review: a column, index or trigger the app added to the
// table was dropped by the copy, with its data. The upgrade now refuses
// (ErrConfig naming what it found and what to do) and leaves the table as
// it was.
func TestSQLiteUpgradeRefusesATableTheAppChanged(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		extra []string
		want  string
	}{
		"column": {[]string{
			`ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'user'`,
			`UPDATE users SET role = 'admin' WHERE id = 1`,
		}, "column role"},
		"index":   {[]string{`CREATE INDEX users_name_idx ON users (name)`}, "index users_name_idx"},
		"trigger": {[]string{`CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END`}, "trigger users_touch"},
	} {
		t.Run(name, func(t *testing.T) {
			url, db := oldSQLite(t, tc.extra...)
			var before string
			if err := db.QueryRow(`SELECT group_concat(sql, ';') FROM sqlite_master WHERE tbl_name = 'users'`).Scan(&before); err != nil {
				t.Fatal(err)
			}
			st, err := users.OpenSQLFor(ctx, url, "", "https://tenant.example/")
			if err == nil {
				st.Close()
				t.Fatalf("the upgrade of a table with the app's %s succeeded (and dropped it)", name)
			}
			if !errors.Is(err, auth0gin.ErrConfig) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "docs/current-user.md") {
				t.Fatalf("%v, want ErrConfig naming %q and the docs", err, tc.want)
			}
			var after string
			if err := db.QueryRow(`SELECT group_concat(sql, ';') FROM sqlite_master WHERE tbl_name = 'users'`).Scan(&after); err != nil {
				t.Fatal(err)
			}
			if after != before {
				t.Fatalf("the refused upgrade changed the schema:\n%s\nwas\n%s", after, before)
			}
			if name == "column" {
				var role string
				if err := db.QueryRow(`SELECT role FROM users WHERE id = 1`).Scan(&role); err != nil || role != "admin" {
					t.Fatalf("the app's column after the refusal: %q %v", role, err)
				}
			}
		})
	}
}
