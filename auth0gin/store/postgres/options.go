package postgres

import (
	"log/slog"
	"time"
)

// option configures open; the URL sets schema, timeout and sweep interval,
// the others are for tests (export_test.go).
type option func(*config)

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

// withSchema keeps the store's tables in schema (created if missing; default
// public).
func withSchema(schema string) option {
	return func(c *config) {
		if schema != "" {
			c.schema = schema
		}
	}
}

// withClock sets the time source expiry is judged by (default time.Now).
// Instances sharing a database should agree on the time: they compare
// expiries that others wrote.
func withClock(now func() time.Time) option {
	return func(c *config) { c.now = now }
}

// withSweepInterval sets how often expired rows are deleted (default one
// minute; 0 or less turns the sweeper off).
func withSweepInterval(d time.Duration) option {
	return func(c *config) { c.sweepEvery = d }
}

// withTimeout bounds each operation whose context has no earlier deadline
// (default 2s): past it the operation fails with auth0gin.ErrUnavailable rather
// than hanging a request on a server that does not answer.
func withTimeout(d time.Duration) option {
	return func(c *config) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// withLogger sets where background failures (a sweep, the listener's
// reconnects) are logged (default slog.Default()).
func withLogger(l *slog.Logger) option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}
