package pgtest_test

import (
	"errors"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/internal/testenv/pgtest"
)

// testOutage is a fault test of code built on the store: the store reaches
// the shared PostgreSQL through a proxy the test owns, in a schema of its own.
func testOutage(t *testing.T) {
	proxy, dsn := pgtest.Proxy(t)
	st := pgtest.OpenSchema(t, dsn, pgtest.Schema(t))
	proxy.Cut()
	if _, err := st.Get(t.Context(), "k"); !errors.Is(err, auth0gin.ErrUnavailable) {
		t.Fatalf("Get behind a cut proxy = %v", err)
	}
	proxy.Restore()
}

// Proxy and OpenSchema give a test a store it may cut off; see testOutage in
// this file.
func ExampleProxy() {
	_ = testOutage
}
