// Package failover runs the example app, built with `go build` and started
// as two processes, on a Redis Cluster and on a Sentinel setup the tests
// start from redis-server, and fails a Redis master under a load of session
// requests and password-login refreshes. It checks that no session is lost
// and that nobody is answered 401 during the failover, only 503 with
// Retry-After, and it reports how long the 503s lasted and how many requests
// failed (issue 24).
//
// Run it with `go test ./tests/failover/ -v`. Without redis-server the tests
// skip, except under CI=true, where they fail.
package failover
