package storetest_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
	"github.com/auth0gin/auth0gin/auth0gin/store/storetest"
)

// testConformance is what a backend's TestConformance looks like: the
// factory opens a store on the same file for every call within one test (two
// instances of an app), and the fake clock drives expiry.
func testConformance(t *testing.T) {
	clock := storetest.NewClock(time.Now())
	dir := storetest.PerTest(func(t *testing.T) string { return t.TempDir() })
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(t.Context(), filepath.Join(dir(t), "sessions.db"), sqlite.WithClock(clock.Now))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, storetest.WithClock(clock))
}

// Run proves a store.Store; see testConformance in this file.
func ExampleRun() {
	_ = testConformance
}
