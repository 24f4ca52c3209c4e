// Package testenv holds the helpers the project's own tests share and a user
// never calls: a fake clock, a redis-server of the test's own that it may
// stop, pause and restart, a Redis Cluster and a Sentinel setup of its own,
// a TCP proxy the test can cut and restore, per-test names for isolation on
// shared servers, and the skip-or-fail rule for a missing service. Its subpackages redistest and pgtest open stores on the shared
// Redis and PostgreSQL servers.
//
// It lives under the module's root internal/ so that every test of the
// module, tests/ included, may import it, and no user can.
package testenv
