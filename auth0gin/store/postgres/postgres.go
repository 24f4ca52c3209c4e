package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/internal/hub"
	"github.com/auth0gin/auth0gin/auth0gin/store/internal/redact"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// backend is a store.Store on PostgreSQL. It is safe for concurrent use.
type backend struct {
	cfg   config
	pool  *pgxpool.Pool
	owned bool   // Close closes pool
	q     string // the quoted schema
	kv    string // quoted table names
	mem   string

	hub      *hub.Hub
	listener *listener

	done      chan struct{}
	stopBG    context.CancelFunc
	bgCtx     context.Context
	bg        sync.WaitGroup
	closeOnce sync.Once
}

var _ store.Store = (*backend)(nil)

// migrateTimeout bounds the schema migration on start, unless the caller's
// context has a deadline of its own.
const migrateTimeout = 30 * time.Second

// defaultConnectTimeout bounds a connection attempt unless the URL sets
// connect_timeout.
const defaultConnectTimeout = 2 * time.Second

// open connects to the database at dsn (postgres://user:password@host:port/db?…
// or a key=value string, as pgx reads them), migrates the store's schema and
// starts its sweeper. A server that cannot be reached is an error wrapping
// auth0gin.ErrUnavailable; errors never print the password.
func open(ctx context.Context, dsn string, opts ...option) (*backend, error) {
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: postgres store: %w", auth0gin.ErrConfig, redact.Error(err, dsn))
	}
	if pc.ConnConfig.ConnectTimeout == 0 {
		pc.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", redact.Error(err, dsn))
	}
	s, err := newBackend(ctx, pool, opts...)
	if err != nil {
		pool.Close()
		return nil, redact.Error(err, dsn)
	}
	s.owned = true
	return s, nil
}

// newBackend returns a store on pool; Close closes pool only when owned is
// set. It migrates the schema and starts the sweeper.
func newBackend(ctx context.Context, pool *pgxpool.Pool, opts ...option) (*backend, error) {
	cfg := defaults()
	for _, o := range opts {
		o(&cfg)
	}
	q := pgx.Identifier{cfg.schema}.Sanitize()
	s := &backend{
		cfg: cfg, pool: pool, q: q,
		kv: q + ".auth0gin_kv", mem: q + ".auth0gin_members",
		hub: hub.New(), done: make(chan struct{}),
	}
	// Migrating takes a few statements and may wait for another instance's
	// migration: it gets a longer bound than one operation.
	mctx, cancel := ctx, context.CancelFunc(func() {})
	if _, ok := ctx.Deadline(); !ok {
		mctx, cancel = context.WithTimeout(ctx, max(cfg.timeout, migrateTimeout))
	}
	defer cancel()
	if err := migrate(mctx, pool, cfg.schema); err != nil {
		return nil, fmt.Errorf("postgres store: migrating schema %s: %w", q, wrap(err))
	}
	s.bgCtx, s.stopBG = context.WithCancel(context.Background())
	s.listener = newListener(s)
	if cfg.sweepEvery > 0 {
		s.bg.Add(1)
		go s.sweepLoop()
	}
	return s, nil
}

// Close stops the sweeper, the listener and every subscription and, for a
// store opened from a URL, closes the pool. Later calls do nothing.
func (s *backend) Close() error {
	s.closeOnce.Do(func() {
		// A Subscribe starts the listener under its lock after checking
		// done: closing done under it orders any start before the Wait.
		s.listener.mu.Lock()
		close(s.done)
		s.listener.mu.Unlock()
		s.stopBG()
		s.bg.Wait()
		s.hub.Close()
		if s.owned {
			s.pool.Close()
		}
	})
	return nil
}

func (s *backend) closed() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// opCtx bounds one operation by the store's timeout, unless ctx ends sooner.
func (s *backend) opCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= s.cfg.timeout {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, s.cfg.timeout)
}

// now is the store's current time in Unix milliseconds.
func (s *backend) now() int64 { return s.cfg.now().UnixMilli() }

// errClosed is returned by every operation after Close.
var errClosed = errors.New("postgres store: closed")

// wrap marks what is not a working server's answer with auth0gin.ErrUnavailable:
// a failed or broken connection, a timeout or canceled context, and the
// server's own errors of classes 08 (connection), 53 (insufficient
// resources), 57 (operator intervention: shutdown, canceled statement) and 58
// (system error). Other server errors are returned as they are.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code[:2] {
		case "08", "53", "57", "58":
			return fmt.Errorf("%w: %w", auth0gin.ErrUnavailable, err)
		}
		return err
	}
	return fmt.Errorf("%w: %w", auth0gin.ErrUnavailable, err)
}

func check(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("postgres store: %s: %w", op, wrap(err))
}
