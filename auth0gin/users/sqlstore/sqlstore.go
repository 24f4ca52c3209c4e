// Package sqlstore is the ready users.Store on database/sql: a default
// users table (id, auth0_id unique, email, name, picture, created_at,
// updated_at), migrated on open. It links no driver: open it through
// package users/sqlite, users/postgres, or users/dburl (DATABASE_URL).
//
//	import "github.com/auth0gin/auth0gin/auth0gin/users/sqlstore"
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/users"
)

// Dialect is what differs between SQL databases; packages users/sqlite and
// users/postgres provide theirs.
type Dialect struct {
	// Name names the dialect in errors ("sqlite", "postgres").
	Name string
	// Placeholder returns the n-th (1-based) parameter placeholder.
	Placeholder func(n int) string
	// Schema returns the statements creating table (and its index) if they
	// do not exist.
	Schema func(table string) []string
	// Migrate runs the statements of Schema; nil runs them one by one.
	// PostgreSQL's takes a lock so that instances starting together do not
	// race on CREATE TABLE.
	Migrate func(ctx context.Context, db *sql.DB, stmts []string) error
	// TimeArg is how a time is written (default: time.Time as is).
	TimeArg func(time.Time) any
	// IsUniqueViolation reports a unique constraint's refusal.
	IsUniqueViolation func(error) bool
}

// Store is users.Store[users.User] on one table.
type Store struct {
	db    *sql.DB
	table string
	d     Dialect
	now   func() time.Time

	findSQL, linkSQL, createSQL string
}

var _ users.Store[users.User] = (*Store)(nil)

// Options configures a Store.
type Options struct {
	// Table is the table's name, optionally schema-qualified
	// ("app.users"); default "users".
	Table string
	// Now is the clock for created_at and updated_at (default time.Now).
	Now func() time.Time
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$`)

const columns = "id, auth0_id, email, name, picture, created_at, updated_at"

// New returns a store on db, and migrates its table.
func New(ctx context.Context, db *sql.DB, d Dialect, opts Options) (*Store, error) {
	if opts.Table == "" {
		opts.Table = "users"
	}
	if !identifier.MatchString(opts.Table) {
		return nil, fmt.Errorf("sqlstore: table name %q is not a plain identifier", opts.Table)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if d.TimeArg == nil {
		d.TimeArg = func(t time.Time) any { return t }
	}
	if d.IsUniqueViolation == nil {
		d.IsUniqueViolation = func(error) bool { return false }
	}
	s := &Store{db: db, table: opts.Table, d: d, now: opts.Now}
	p := d.Placeholder
	t := opts.Table
	s.findSQL = "SELECT " + columns + " FROM " + t + " WHERE auth0_id = " + p(1)
	// The inner query picks the oldest unlinked row with the email; the
	// outer condition is checked again on the locked row, so of two
	// concurrent links one wins and the other updates nothing.
	s.linkSQL = "UPDATE " + t + " SET auth0_id = " + p(1) + ", updated_at = " + p(2) +
		" WHERE auth0_id IS NULL AND id = (SELECT id FROM " + t + " WHERE lower(email) = lower(" + p(3) +
		") AND auth0_id IS NULL ORDER BY id LIMIT 1) RETURNING " + columns
	s.createSQL = "INSERT INTO " + t + " (auth0_id, email, name, picture, created_at, updated_at) VALUES (" +
		p(1) + ", " + p(2) + ", " + p(3) + ", " + p(4) + ", " + p(5) + ", " + p(6) +
		") ON CONFLICT (auth0_id) DO NOTHING RETURNING " + columns
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	stmts := s.d.Schema(s.table)
	var err error
	if s.d.Migrate != nil {
		err = s.d.Migrate(ctx, s.db, stmts)
	} else {
		for _, q := range stmts {
			if _, err = s.db.ExecContext(ctx, q); err != nil {
				break
			}
		}
	}
	if err != nil {
		return fmt.Errorf("sqlstore: migrating %s (%s): %w", s.table, s.d.Name, err)
	}
	return nil
}

// DB returns the database the store uses.
func (s *Store) DB() *sql.DB { return s.db }

// Table returns the table's name.
func (s *Store) Table() string { return s.table }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// FindByAuth0ID implements users.Store.
func (s *Store) FindByAuth0ID(ctx context.Context, auth0ID string) (users.User, error) {
	return s.one(s.db.QueryRowContext(ctx, s.findSQL, auth0ID), users.ErrNotFound)
}

// LinkByEmail implements users.Store.
func (s *Store) LinkByEmail(ctx context.Context, email, auth0ID string) (users.User, error) {
	u, err := s.one(s.db.QueryRowContext(ctx, s.linkSQL, auth0ID, s.d.TimeArg(s.now()), email), users.ErrNotFound)
	if err != nil && s.d.IsUniqueViolation(err) {
		return users.User{}, fmt.Errorf("%w: %w", users.ErrConflict, err)
	}
	return u, err
}

// Create implements users.Store.
func (s *Store) Create(ctx context.Context, p users.Profile) (users.User, error) {
	if p.Auth0ID == "" {
		return users.User{}, errors.New("sqlstore: a profile without an Auth0 id")
	}
	now := s.d.TimeArg(s.now())
	return s.one(s.db.QueryRowContext(ctx, s.createSQL, p.Auth0ID, p.Email, p.Name, p.Picture, now, now), users.ErrConflict)
}

// Delete removes the row linked to auth0ID, if any: for tests, and for apps
// that erase users (call the resolver's Invalidate too).
func (s *Store) Delete(ctx context.Context, auth0ID string) error {
	if _, err := s.db.ExecContext(ctx, "DELETE FROM "+s.table+" WHERE auth0_id = "+s.d.Placeholder(1), auth0ID); err != nil {
		return fmt.Errorf("sqlstore: delete: %w", err)
	}
	return nil
}

// Insert adds a row that is not linked to Auth0 yet (an imported or invited
// user): the first sight of a verified email links it.
func (s *Store) Insert(ctx context.Context, email, name string) (users.User, error) {
	p := s.d.Placeholder
	now := s.d.TimeArg(s.now())
	return s.one(s.db.QueryRowContext(ctx, "INSERT INTO "+s.table+" (email, name, picture, created_at, updated_at) VALUES ("+
		p(1)+", "+p(2)+", '', "+p(3)+", "+p(4)+") RETURNING "+columns, email, name, now, now), users.ErrConflict)
}

// Count returns the number of rows.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+s.table).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlstore: count: %w", err)
	}
	return n, nil
}

// one scans a row; no row is noRows.
func (s *Store) one(row *sql.Row, noRows error) (users.User, error) {
	var u users.User
	var auth0ID sql.NullString
	err := row.Scan(&u.ID, &auth0ID, &u.Email, &u.Name, &u.Picture, timeScanner{&u.CreatedAt}, timeScanner{&u.UpdatedAt})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return users.User{}, noRows
	case err != nil:
		return users.User{}, fmt.Errorf("sqlstore: %s: %w", s.d.Name, err)
	}
	u.Auth0ID = auth0ID.String
	return u, nil
}

// TimeText is how SQLite keeps times: UTC, fixed width, so text order is
// time order.
const TimeText = "2006-01-02T15:04:05.000000Z"

// timeScanner reads a time kept as a time (PostgreSQL) or as TimeText.
type timeScanner struct{ t *time.Time }

func (ts timeScanner) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*ts.t = v.UTC()
	case string:
		return ts.parse(v)
	case []byte:
		return ts.parse(string(v))
	default:
		return fmt.Errorf("sqlstore: a time stored as %T", src)
	}
	return nil
}

func (ts timeScanner) parse(s string) error {
	t, err := time.Parse(TimeText, strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("sqlstore: time %q: %w", s, err)
	}
	*ts.t = t
	return nil
}
