// Package store is the storage layer of auth0gin's back-end flows (sessions,
// server-held refresh tokens): one small key-value interface with expiry,
// implemented on SQLite (embedded, the default), Redis and PostgreSQL, each
// in a package of its own so that an app links only the driver it uses.
//
//	import "github.com/auth0gin/auth0gin/auth0gin/store"
//
// As with database/sql, an app picks its backends by import and opens a
// store from a URL (see Open for the forms):
//
//	import _ "github.com/auth0gin/auth0gin/auth0gin/store/redis"
//
//	st, err := store.Open(ctx, os.Getenv("SESSION_STORE_URL"))
//
// Every need is built on the same few operations, so one conformance suite
// (package storetest) proves every backend, and anything that must hold
// across instances (a logout, a single refresh) is enforced in the shared
// store, not in one process's memory.
//
// # Key groups
//
// A key may carry a group: the text between its first '{' and the first '}'
// after it, when not empty (Redis Cluster's hash-tag syntax, so that
// "session:{u42}:record" and "session:{u42}:activity" share the group u42).
// A key without one is a group of its own. Keys of one group live together
// (on one node of a Redis Cluster), so a SetMany, or a Delete of several
// keys, must name keys of one group only. A backend that can apply keys of
// several groups at once (SQLite, PostgreSQL, one Redis server, Sentinel)
// does; one that cannot (Redis Cluster) refuses the whole call, before
// writing anything, with an error wrapping auth0gin.ErrConfig: a bug in the
// caller, not an outage. Code that must run on every backend keeps each
// SetMany and Delete in one group, and picks groups that spread: one per
// user or per session, never one for the whole app, which would put every
// key on one node. A group name must not contain '}'; an id that might is
// hashed first.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound: the key holds nothing, or what it held has expired.
var ErrNotFound = errors.New("store: not found")

// Entry is one key's new value, for SetMany.
type Entry struct {
	Key       string
	Value     []byte
	ExpiresAt time.Time
}

// Store is a key-value store with expiry, shared by every instance of an app.
// Keys may carry a {group} (see the package doc). Keys and set names are opaque strings chosen by the caller (packages prefix
// theirs, "session:", "refresh:", ...); values are opaque bytes. A value past
// its expiry is never returned, whether or not it has been swept yet: a value
// lives while now < expiresAt, and an expiresAt not in the future stores
// nothing (Set removes the key, Add reports false, AddMember removes the
// member). Keys, set names, members and channels may be any string (empty,
// NUL, non-ASCII); values any bytes, an empty value being a value, not an
// absence.
//
// Errors that come from the backend being down or slow wrap
// auth0gin.ErrUnavailable (never ErrNotFound: an outage is no proof of
// absence), so that callers answer 503 with Retry-After, never 401: the
// caller's credential may be fine, and an outage must not log anybody out; implementations must
// be safe for concurrent use. Package storetest is the conformance suite
// every implementation passes.
type Store interface {
	// Get returns the value of key, or ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, error)
	// Set stores value under key until expiresAt, replacing any value.
	Set(ctx context.Context, key string, value []byte, expiresAt time.Time) error
	// SetMany does what a Set of each entry would, in one round trip and all
	// or none: no reader, in any instance, sees some of the entries written
	// and others not, and an error means none was. An entry whose ExpiresAt
	// is not in the future removes its key, as Set does. When several
	// entries name one key, the last of them wins. No entries is a no-op.
	// The keys must share one group (see the package doc): a backend that
	// cannot write several groups at once refuses the call with an error
	// wrapping auth0gin.ErrConfig.
	SetMany(ctx context.Context, entries ...Entry) error
	// Add stores value under key until expiresAt only when key holds no live
	// value, and reports whether it did: atomic across instances, the
	// building block of locks and of create-once.
	Add(ctx context.Context, key string, value []byte, expiresAt time.Time) (bool, error)
	// Delete removes keys; a key that holds nothing is not an error. Sets
	// are apart from keys: Delete of a key leaves a set of the same name.
	// Several keys must share one group, as for SetMany.
	Delete(ctx context.Context, keys ...string) error
	// Incr adds one to the counter under key and returns its new count, in
	// one store operation, atomic across instances: n concurrent calls on a
	// new counter return 1 to n, each once. The call that creates the
	// counter (it holds nothing, or what it held has expired) returns 1 and
	// gives it expiresAt; later calls never move that expiry, so a counter
	// counts a fixed window and starts again at 1 after it (the building
	// block of rate limits shared by every instance). An expiresAt not in the
	// future on a new counter returns 1 and stores nothing. The counter is a
	// value like any other: Get returns its count in decimal, Set and Delete
	// replace or remove it. Incr of a key holding anything but a decimal
	// integer without leading zeros fails (neither ErrNotFound nor
	// auth0gin.ErrUnavailable) and changes nothing.
	Incr(ctx context.Context, key string, expiresAt time.Time) (int64, error)

	// AddMember adds member to the set named set, and keeps the member until
	// expiresAt (a later AddMember of the same member moves that on).
	AddMember(ctx context.Context, set, member string, expiresAt time.Time) error
	// Members lists the live members of set, in no particular order; an
	// unknown set has none.
	Members(ctx context.Context, set string) ([]string, error)
	// RemoveMember removes members from set.
	RemoveMember(ctx context.Context, set string, members ...string) error

	// Publish sends message to every subscriber of channel, in every
	// instance sharing the store (Redis pub/sub, PostgreSQL LISTEN/NOTIFY;
	// within one process for SQLite). Delivery is best effort: subscribers
	// use it to drop local caches early, never as the only check. Keep
	// messages small: PostgreSQL's NOTIFY carries about 5 KiB at most.
	Publish(ctx context.Context, channel, message string) error
	// Subscribe calls fn for each message published on channel until stop is
	// called or the store is closed. A message published after Subscribe
	// returns is delivered. fn runs on one goroutine per subscription and
	// must not block for long. Once stop (or Close) returns, fn is not
	// called again; stop waits for a running fn, so fn must not call it.
	// stop may be called more than once.
	Subscribe(ctx context.Context, channel string, fn func(message string)) (stop func(), err error)

	// Close stops every subscription and releases the store's connections.
	// Operations after Close fail; calling Close again is harmless.
	Close() error
}
