package postgres_test

import (
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/store/storetest"
	"github.com/auth0gin/auth0gin/internal/testenv/pgtest"
)

func Benchmark(b *testing.B) {
	storetest.Bench(b, pgtest.Open(b))
}

// BenchmarkAsyncCommit is the same with synchronous_commit=off in the URL
// (pgx passes it to the server): writes no longer wait for the WAL flush.
func BenchmarkAsyncCommit(b *testing.B) {
	u := pgtest.URL()
	if strings.Contains(u, "?") {
		u += "&synchronous_commit=off"
	} else {
		u += "?synchronous_commit=off"
	}
	storetest.Bench(b, pgtest.OpenSchema(b, u, pgtest.Schema(b)))
}
