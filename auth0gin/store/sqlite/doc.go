// Package sqlite is the embedded store.Store: SQLite through modernc.org/sqlite
// (pure Go, no cgo), in a file or in memory. Importing it registers the
// store's URL schemes sqlite: (and sqlite3:) with store.Open, which also
// opens the empty URL here, and database/sql's driver "sqlite" (for the users
// store's DATABASE_URL):
//
//	import _ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
//
//	st, err := store.Open(ctx, "sqlite:///var/lib/app/sessions.db")
//
// The URL forms:
//
//	(empty), sqlite: or sqlite://            in memory (one process; lost on exit)
//	sqlite:///var/lib/app/sessions.db        a file, absolute path
//	sqlite:data/sessions.db                  a file, relative to the working directory
//	sqlite://./data/sessions.db              the same
//
// A sqlite URL takes no user and no query.
//
// A file is opened in WAL mode with a busy timeout of 10s (past it, an
// operation fails wrapping auth0gin.ErrUnavailable), writes of one process go
// through one connection (so its own writers never contend for the lock) and
// reads through a small pool; every write is a single statement, so no
// transaction ever has to upgrade a read lock. The schema is created and
// migrated on start (table auth0gin_schema holds its version) and expired rows
// are swept in the background every minute (failures are logged through
// slog.Default). Several processes may share one file: published messages
// cross between them through a table that each subscribing process polls
// every 100ms.
//
// In memory, the database lives on one connection, for one store: nothing
// survives Close, and messages stay in the process.
package sqlite
