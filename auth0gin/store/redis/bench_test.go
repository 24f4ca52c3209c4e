package redis_test

import (
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/store/redis/redistest"
	"github.com/auth0gin/auth0gin/auth0gin/store/storetest"
)

func Benchmark(b *testing.B) {
	storetest.Bench(b, redistest.Open(b))
}
