package storetest

import (
	"sync"
	"testing"
)

// PerTest memoizes make per test: the returned function calls make once for
// each *testing.T and returns that value on later calls with the same t. The
// suite opens two stores in one test to act as two instances of an app, and
// both must reach the same data: a backend's factory gets its database file,
// key prefix or schema through PerTest.
func PerTest[V any](make func(t *testing.T) V) func(t *testing.T) V {
	var mu sync.Mutex
	seen := map[*testing.T]V{}
	return func(t *testing.T) V {
		mu.Lock()
		defer mu.Unlock()
		if v, ok := seen[t]; ok {
			return v
		}
		v := make(t)
		seen[t] = v
		t.Cleanup(func() {
			mu.Lock()
			defer mu.Unlock()
			delete(seen, t)
		})
		return v
	}
}
