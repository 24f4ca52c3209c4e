package redis_test

import (
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/store/storetest"
	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
)

func Benchmark(b *testing.B) {
	storetest.Bench(b, redistest.Open(b))
}
