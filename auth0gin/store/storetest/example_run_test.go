package storetest_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
	"github.com/auth0gin/auth0gin/auth0gin/store/storetest"
)

// testConformance is what a backend's TestConformance looks like: the
// factory opens a store on the same file for every call within one test (two
// instances of an app). A store of one's own would take now as its clock; a
// store opened from a URL keeps the wall clock, hence WallClock.
func testConformance(t *testing.T) {
	dir := storetest.PerTest(func(t *testing.T) string { return t.TempDir() })
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		s, err := store.Open(t.Context(), "sqlite://"+filepath.Join(dir(t), "sessions.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, storetest.WallClock())
}

// Run proves a store.Store; see testConformance in this file.
func ExampleRun() {
	_ = testConformance
}
