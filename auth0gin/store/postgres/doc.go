// Package postgres is a store.Store on PostgreSQL, through
// github.com/jackc/pgx/v5 and its pool.
//
//	import "github.com/auth0gin/auth0gin/auth0gin/store/postgres"
//
// Its tables (auth0gin_kv, auth0gin_members, auth0gin_schema) live in a
// schema of their own choosing (WithSchema; default public), created and
// migrated on start under an advisory lock, so that instances starting
// together take turns. Add is one INSERT … ON CONFLICT DO UPDATE whose update
// applies only over an expired row: atomic across instances. Expired rows are
// never returned and are swept in the background.
//
// Publish and Subscribe are NOTIFY and LISTEN: one dedicated connection per
// Store listens, started by the first Subscribe and reconnected after a
// failure (messages sent while it was away are lost, as NOTIFY allows).
// Messages are limited to about 5 KiB by NOTIFY's payload limit.
//
// Errors from a server that is down, unreachable, shutting down or out of
// connections, and operations that outlive their timeout (WithTimeout;
// default 2s), wrap store.ErrUnavailable.
package postgres
