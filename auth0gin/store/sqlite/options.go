package sqlite

import (
	"log/slog"
	"time"
)

// option configures open; the options are for tests (export_test.go): an
// app tunes nothing.
type option func(*config)

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

// withClock sets the time source expiry is judged by (default time.Now); tests
// pass a fake clock's Now.
func withClock(now func() time.Time) option {
	return func(c *config) { c.now = now }
}

// withSweepInterval sets how often expired rows are deleted (default one
// minute; 0 or less turns the sweeper off). Expired values are never returned
// either way: sweeping only reclaims space.
func withSweepInterval(d time.Duration) option {
	return func(c *config) { c.sweepEvery = d }
}

// withPollInterval sets how often a file-backed store with subscribers looks
// for messages published by other processes on the same file (default
// 100ms). Messages from the same Store are delivered at once.
func withPollInterval(d time.Duration) option {
	return func(c *config) {
		if d > 0 {
			c.pollEvery = d
		}
	}
}

// withBusyTimeout sets how long a statement waits for another process's
// write lock before failing with auth0gin.ErrUnavailable (default 10s).
func withBusyTimeout(d time.Duration) option {
	return func(c *config) {
		if d > 0 {
			c.busyTimeout = d
		}
	}
}

// withLogger sets where background failures (a sweep, a poll) are logged
// (default slog.Default()).
func withLogger(l *slog.Logger) option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}
