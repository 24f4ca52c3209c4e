// Package postgres is a store.Store on PostgreSQL, through
// github.com/jackc/pgx/v5 and its pool. Importing it registers the URL
// schemes postgres: and postgresql: with store.Open, and database/sql's
// driver "pgx" (github.com/jackc/pgx/v5/stdlib, for the users store's
// DATABASE_URL):
//
//	import _ "github.com/auth0gin/auth0gin/auth0gin/store/postgres"
//
//	st, err := store.Open(ctx, "postgres://app:password@db:5432/app?schema=auth0gin")
//
// The URL takes pgx's options (sslmode, connect_timeout, pool_max_conns, …;
// connect_timeout is 2s unless set) and the store's own:
//
//	schema=name         the schema of the store's tables (default public; created if missing)
//	timeout=2s          the bound on each operation whose context has no earlier deadline
//	sweep_interval=1m   how often expired rows are deleted (0 turns the sweeper off)
//
// Its tables (auth0gin_kv, auth0gin_members, auth0gin_schema) are created and
// migrated on start under an advisory lock, so that instances starting
// together take turns. Add is one INSERT … ON CONFLICT DO UPDATE whose update
// applies only over an expired row: atomic across instances. Expired rows are
// never returned and are swept in the background (failures are logged through
// slog.Default).
//
// Publish and Subscribe are NOTIFY and LISTEN: one dedicated connection per
// store listens, started by the first Subscribe and reconnected after a
// failure (messages sent while it was away are lost, as NOTIFY allows).
// Messages are limited to about 5 KiB by NOTIFY's payload limit.
//
// Errors from a server that is down, unreachable, shutting down or out of
// connections, and operations that outlive their timeout, wrap
// auth0gin.ErrUnavailable.
package postgres
