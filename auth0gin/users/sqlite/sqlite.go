// Package sqlite opens the ready users store on SQLite (modernc.org/sqlite,
// pure Go): a file, or memory for development and tests.
//
//	import "github.com/auth0gin/auth0gin/auth0gin/users/sqlite"
//
//	st, err := sqlite.Open(ctx, "/var/lib/app/app.db", sqlstore.Options{})
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/auth0gin/auth0gin/auth0gin/users/sqlstore"
)

// Dialect returns SQLite's sqlstore.Dialect.
func Dialect() sqlstore.Dialect {
	return sqlstore.Dialect{
		Name:        "sqlite",
		Placeholder: func(n int) string { return "?" + strconv.Itoa(n) },
		Schema: func(t string) []string {
			return []string{
				"CREATE TABLE IF NOT EXISTS " + t + ` (
				id INTEGER PRIMARY KEY AUTOINCREMENT,
				auth0_id TEXT UNIQUE,
				email TEXT NOT NULL DEFAULT '',
				name TEXT NOT NULL DEFAULT '',
				picture TEXT NOT NULL DEFAULT '',
				created_at TEXT NOT NULL,
				updated_at TEXT NOT NULL
			)`,
				"CREATE INDEX IF NOT EXISTS " + indexName(t) + " ON " + t + " (lower(email))",
			}
		},
		TimeArg: func(t time.Time) any { return t.UTC().Format(sqlstore.TimeText) },
		IsUniqueViolation: func(err error) bool {
			var se *sqlite3.Error
			return errors.As(err, &se) && (se.Code() == sqlite3lib.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY)
		},
	}
}

func indexName(table string) string {
	b := []byte(table)
	for i, c := range b {
		if c == '.' {
			b[i] = '_'
		}
	}
	return string(b) + "_email_idx"
}

// Open opens (creating it if needed) the SQLite database at path, with WAL
// and a busy timeout so that concurrent writers wait instead of failing,
// and migrates the users table. An empty path is a private in-memory
// database, which lives as long as the store.
func Open(ctx context.Context, path string, opts sqlstore.Options) (*sqlstore.Store, error) {
	var db *sql.DB
	var err error
	if path == "" {
		db, err = sql.Open("sqlite", "file::memory:?_pragma=busy_timeout(5000)")
		if err == nil {
			// Each connection to ":memory:" is a database of its own: keep one.
			db.SetMaxOpenConns(1)
			db.SetConnMaxIdleTime(0)
			db.SetConnMaxLifetime(0)
		}
	} else {
		q := url.Values{"_pragma": {"busy_timeout(5000)", "journal_mode(WAL)", "synchronous(NORMAL)"}}
		db, err = sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	}
	if err != nil {
		return nil, fmt.Errorf("users/sqlite: %w", err)
	}
	st, err := sqlstore.New(ctx, db, Dialect(), opts)
	if err != nil {
		db.Close()
		return nil, err
	}
	return st, nil
}
