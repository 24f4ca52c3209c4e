package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are applied in order; the schema's version is how many have
// been applied. Append, never edit: a file migrated by an older build must
// reach the same schema.
var migrations = []string{
	`CREATE TABLE auth0gin_kv (
		k   BLOB PRIMARY KEY,
		v   BLOB NOT NULL,
		exp INTEGER NOT NULL
	);
	CREATE INDEX auth0gin_kv_exp ON auth0gin_kv (exp);
	CREATE TABLE auth0gin_members (
		s   BLOB NOT NULL,
		m   BLOB NOT NULL,
		exp INTEGER NOT NULL,
		PRIMARY KEY (s, m)
	) WITHOUT ROWID;
	CREATE INDEX auth0gin_members_exp ON auth0gin_members (exp);
	CREATE TABLE auth0gin_messages (
		id      INTEGER PRIMARY KEY AUTOINCREMENT,
		channel BLOB NOT NULL,
		message BLOB NOT NULL,
		origin  TEXT NOT NULL,
		at      INTEGER NOT NULL
	);`,
}

// migrate brings the schema to the newest version inside one write
// transaction (BEGIN IMMEDIATE, so two processes starting at once take turns).
func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS auth0gin_schema (version INTEGER NOT NULL)`); err != nil {
		return err
	}
	var version int
	switch err := tx.QueryRowContext(ctx, `SELECT version FROM auth0gin_schema`).Scan(&version); err {
	case nil:
	case sql.ErrNoRows:
		if _, err := tx.ExecContext(ctx, `INSERT INTO auth0gin_schema (version) VALUES (0)`); err != nil {
			return err
		}
	default:
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("sqlite store: schema version %d is newer than this build knows (%d)", version, len(migrations))
	}
	for i := version; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("sqlite store: migration %d: %w", i+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE auth0gin_schema SET version = ?`, len(migrations)); err != nil {
		return err
	}
	return tx.Commit()
}
