// Package sqlite is the embedded store.Store: SQLite through modernc.org/sqlite
// (pure Go, no cgo), in a file or in memory.
//
//	import "github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
//
// A file is opened in WAL mode with a busy timeout, writes of one process go
// through one connection (so its own writers never contend for the lock) and
// reads through a small pool; every write is a single statement, so no
// transaction ever has to upgrade a read lock. The schema is created and
// migrated on start (table auth0gin_schema holds its version) and expired rows
// are swept in the background. Several processes may share one file:
// published messages cross between them through a table that each
// subscribing process polls (every 100ms by default).
//
// With no path the database lives in memory, on one connection, for one
// Store: nothing survives Close, and messages stay in the process.
package sqlite
