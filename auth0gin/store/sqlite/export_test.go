package sqlite

// The hooks the package's own tests use; an app tunes none of them.

// Store is the concrete store, for tests that call Sweep.
type Store = backend

// Option configures Open.
type Option = option

var (
	Open              = open
	WithClock         = withClock
	WithSweepInterval = withSweepInterval
	WithPollInterval  = withPollInterval
	WithBusyTimeout   = withBusyTimeout
	WithLogger        = withLogger
)
