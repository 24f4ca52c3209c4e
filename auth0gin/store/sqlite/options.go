package sqlite

import (
	"log/slog"
	"time"
)

// Option configures Open.
type Option func(*config)

type config struct {
	now         func() time.Time
	sweepEvery  time.Duration
	pollEvery   time.Duration
	busyTimeout time.Duration
	readConns   int
	logger      *slog.Logger
}

func defaults() config {
	return config{
		now:         time.Now,
		sweepEvery:  time.Minute,
		pollEvery:   100 * time.Millisecond,
		busyTimeout: 10 * time.Second,
		readConns:   4,
		logger:      slog.Default(),
	}
}

// WithClock sets the time source expiry is judged by (default time.Now); tests
// pass a fake clock's Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithSweepInterval sets how often expired rows are deleted (default one
// minute; 0 or less turns the sweeper off). Expired values are never returned
// either way: sweeping only reclaims space.
func WithSweepInterval(d time.Duration) Option {
	return func(c *config) { c.sweepEvery = d }
}

// WithPollInterval sets how often a file-backed store with subscribers looks
// for messages published by other processes on the same file (default
// 100ms). Messages from the same Store are delivered at once.
func WithPollInterval(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.pollEvery = d
		}
	}
}

// WithBusyTimeout sets how long a statement waits for another process's
// write lock before failing with store.ErrUnavailable (default 10s).
func WithBusyTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.busyTimeout = d
		}
	}
}

// WithLogger sets where background failures (a sweep, a poll) are logged
// (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}
