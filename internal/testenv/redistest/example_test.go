package redistest_test

import (
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
)

// testLogout is a test of code built on the store: it gets a store on the
// shared Redis under a key prefix of its own, deleted when it ends.
func testLogout(t *testing.T) {
	st := redistest.Open(t)
	if err := st.Set(t.Context(), "session:1", []byte("alice"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// ... exercise the code under test with st ...
}

// Open gives a test a store of its own on the shared server; see testLogout
// in this file.
func ExampleOpen() {
	_ = testLogout
}
