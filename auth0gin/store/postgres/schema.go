package postgres

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations are applied in order; "{s}" stands for the quoted schema.
// Append, never edit.
var migrations = []string{
	`CREATE TABLE {s}.auth0gin_kv (
		k   bytea PRIMARY KEY,
		v   bytea NOT NULL,
		exp bigint NOT NULL
	);
	CREATE INDEX auth0gin_kv_exp ON {s}.auth0gin_kv (exp);
	CREATE TABLE {s}.auth0gin_members (
		s   bytea NOT NULL,
		m   bytea NOT NULL,
		exp bigint NOT NULL,
		PRIMARY KEY (s, m)
	);
	CREATE INDEX auth0gin_members_exp ON {s}.auth0gin_members (exp);`,
}

// lockID is the advisory lock that serialises the migrations of one schema.
func lockID(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("auth0gin store schema " + schema))
	return int64(h.Sum64())
}

// migrate creates the schema if needed and brings its tables to the newest
// version, in one transaction under an advisory lock.
func migrate(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	q := pgx.Identifier{schema}.Sanitize()
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockID(schema)); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+q); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+q+`.auth0gin_schema (version integer NOT NULL)`); err != nil {
		return err
	}
	var version int
	switch err := tx.QueryRow(ctx, `SELECT version FROM `+q+`.auth0gin_schema`).Scan(&version); err {
	case nil:
	case pgx.ErrNoRows:
		if _, err := tx.Exec(ctx, `INSERT INTO `+q+`.auth0gin_schema (version) VALUES (0)`); err != nil {
			return err
		}
	default:
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this build knows (%d)", version, len(migrations))
	}
	for i := version; i < len(migrations); i++ {
		if _, err := tx.Exec(ctx, strings.ReplaceAll(migrations[i], "{s}", q)); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE `+q+`.auth0gin_schema SET version = $1`, len(migrations)); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
