package postgres

// The hooks the package's own tests use; an app sets what it needs in the
// URL.

// Store is the concrete store, for tests that call Sweep.
type Store = backend

// Option configures Open.
type Option = option

var (
	Open              = open
	WithSchema        = withSchema
	WithClock         = withClock
	WithSweepInterval = withSweepInterval
	WithTimeout       = withTimeout
	WithLogger        = withLogger
)
