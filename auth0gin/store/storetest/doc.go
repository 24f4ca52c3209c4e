// Package storetest holds the one conformance suite every store.Store
// backend must pass, and the test helpers that tests of those backends and of
// their users need: a fake clock, a redis-server of the test's own that it
// may stop and restart, a TCP proxy the test can cut and restore, and per-test
// names for isolation on shared servers.
//
//	import "github.com/auth0gin/auth0gin/auth0gin/store/storetest"
//
// A backend's test runs the suite with a function that opens a store:
//
//	func TestConformance(t *testing.T) {
//		clock := storetest.NewClock(time.Now())
//		dir := storetest.PerTest(func(t *testing.T) string { return t.TempDir() })
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s, err := sqlite.Open(t.Context(), filepath.Join(dir(t), "s.db"), sqlite.WithClock(clock.Now))
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		}, storetest.WithClock(clock))
//	}
//
// The package imports no database driver: helpers bound to a driver live
// beside it (redis/redistest, postgres/pgtest).
package storetest
