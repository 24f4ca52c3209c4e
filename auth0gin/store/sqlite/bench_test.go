package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
	"github.com/auth0gin/auth0gin/auth0gin/store/storetest"
)

func BenchmarkFile(b *testing.B) {
	s, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.Bench(b, s)
}

func BenchmarkMemory(b *testing.B) {
	s, err := sqlite.Open(b.Context(), "")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.Bench(b, s)
}
