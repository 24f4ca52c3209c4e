package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/internal/hub"
	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// backend is a store.Store on SQLite. It is safe for concurrent use.
type backend struct {
	cfg    config
	path   string // "" in memory
	rdb    *sql.DB
	wdb    *sql.DB // one connection; the same as rdb in memory
	hub    *hub.Hub
	origin string // tells this Store's rows in the messages table from others'

	// subMu serialises Subscribe with the poller's view of where to read from.
	subMu  sync.Mutex
	lastID int64

	done      chan struct{} // closed by Close
	stopBG    context.CancelFunc
	bg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

var _ store.Store = (*backend)(nil)

// open opens (creating it if needed) the database file at path, or a private
// in-memory database when path is "", and migrates its schema. ctx bounds the
// opening only; background work runs until Close.
func open(ctx context.Context, path string, opts ...option) (*backend, error) {
	cfg := defaults()
	for _, o := range opts {
		o(&cfg)
	}
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, err
	}
	s := &backend{cfg: cfg, path: path, hub: hub.New(), origin: hex.EncodeToString(rnd[:]), done: make(chan struct{})}
	busy := "_pragma=busy_timeout(" + strconv.FormatInt(cfg.busyTimeout.Milliseconds(), 10) + ")"
	if path == "" {
		// Every connection to ":memory:" is a database of its own: keep one.
		db, err := sql.Open("sqlite", ":memory:?"+busy+"&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("sqlite store: %w", err)
		}
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
		s.rdb, s.wdb = db, db
	} else {
		// The file: URI form keeps '?' and '#' in a path from being read as
		// parameters.
		name := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + busy +
			"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		w, err := sql.Open("sqlite", name)
		if err != nil {
			return nil, fmt.Errorf("sqlite store: %w", err)
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		w.SetConnMaxIdleTime(0)
		r, err := sql.Open("sqlite", name)
		if err != nil {
			_ = w.Close()
			return nil, fmt.Errorf("sqlite store: %w", err)
		}
		r.SetMaxOpenConns(cfg.readConns)
		r.SetMaxIdleConns(cfg.readConns)
		s.rdb, s.wdb = r, w
	}
	if err := migrate(ctx, s.wdb); err != nil {
		s.closeDBs()
		return nil, fmt.Errorf("sqlite store: open %q: %w", path, wrap(err))
	}
	bg, stop := context.WithCancel(context.Background())
	s.stopBG = stop
	if cfg.sweepEvery > 0 {
		s.bg.Add(1)
		go s.sweepLoop(bg)
	}
	if path != "" {
		s.bg.Add(1)
		go s.pollLoop(bg)
	}
	return s, nil
}

// Close stops the sweeper and every subscription, then closes the database.
// Later calls return the first call's result.
func (s *backend) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		s.stopBG()
		s.bg.Wait()
		s.hub.Close()
		s.closeErr = s.closeDBs()
	})
	return s.closeErr
}

func (s *backend) closeDBs() error {
	err := s.wdb.Close()
	if s.rdb != s.wdb {
		err = errors.Join(err, s.rdb.Close())
	}
	return err
}

// ms is t on the store's time line: Unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// now is the store's current time in Unix milliseconds.
func (s *backend) now() int64 { return ms(s.cfg.now()) }

// wrap marks the errors of a store that cannot answer now (locked past the
// busy timeout, an I/O failure, a full disk, a canceled or expired context)
// with auth0gin.ErrUnavailable; the rest are returned as they are.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", auth0gin.ErrUnavailable, err)
	}
	var se *msqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR,
			sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PROTOCOL,
			sqlite3.SQLITE_INTERRUPT:
			return fmt.Errorf("%w: %w", auth0gin.ErrUnavailable, err)
		}
	}
	return err
}

// errClosed is returned by every operation after Close.
var errClosed = errors.New("sqlite store: closed")

// check maps the errors of an operation for its caller.
func check(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrConnDone) || err.Error() == "sql: database is closed" {
		return fmt.Errorf("%s: %w", op, errClosed)
	}
	return fmt.Errorf("sqlite store: %s: %w", op, wrap(err))
}
