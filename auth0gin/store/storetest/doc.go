// Package storetest is the conformance suite every store.Store backend must
// pass, with the few helpers the author of a backend needs around it:
//
//   - Run, the suite itself, with its options WallClock (a store that keeps
//     time on a server) and SingleInstance (a store whose instances cannot
//     share data, as SQLite in memory);
//
//   - PerTest, to give the two instances of an app the suite opens in one test
//     the same file, key prefix or schema;
//
//   - Outage, to prove that a store the test cuts off fails with
//     auth0gin.ErrUnavailable and then recovers by itself;
//
//   - Bench, the benchmarks whose figures compare across backends.
//
//     import "github.com/auth0gin/auth0gin/auth0gin/store/storetest"
//
// A backend's test runs the suite with a function that opens a store on the
// clock it is given, so that expiry is tested without sleeping:
//
//	func TestConformance(t *testing.T) {
//		dir := storetest.PerTest(func(t *testing.T) string { return t.TempDir() })
//		storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
//			s, err := mystore.Open(t.Context(), filepath.Join(dir(t), "s.db"), now)
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
//
// The package imports no database driver.
package storetest
