package postgres

import (
	"log/slog"
	"time"
)

// Option configures Open and New.
type Option func(*config)

type config struct {
	schema     string
	now        func() time.Time
	sweepEvery time.Duration
	timeout    time.Duration
	logger     *slog.Logger
}

func defaults() config {
	return config{
		schema:     "public",
		now:        time.Now,
		sweepEvery: time.Minute,
		timeout:    2 * time.Second,
		logger:     slog.Default(),
	}
}

// WithSchema keeps the store's tables in schema (created if missing; default
// public).
func WithSchema(schema string) Option {
	return func(c *config) {
		if schema != "" {
			c.schema = schema
		}
	}
}

// WithClock sets the time source expiry is judged by (default time.Now).
// Instances sharing a database should agree on the time: they compare
// expiries that others wrote.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithSweepInterval sets how often expired rows are deleted (default one
// minute; 0 or less turns the sweeper off).
func WithSweepInterval(d time.Duration) Option {
	return func(c *config) { c.sweepEvery = d }
}

// WithTimeout bounds each operation whose context has no earlier deadline
// (default 2s): past it the operation fails with store.ErrUnavailable rather
// than hanging a request on a server that does not answer.
func WithTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// WithLogger sets where background failures (a sweep, the listener's
// reconnects) are logged (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}
