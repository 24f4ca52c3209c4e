package postgres_test

import (
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/store/postgres/pgtest"
	"github.com/auth0gin/auth0gin/auth0gin/store/storetest"
)

func Benchmark(b *testing.B) {
	storetest.Bench(b, pgtest.Open(b))
}
