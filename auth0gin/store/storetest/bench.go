package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// Bench runs the store benchmarks on st: Get of a live 512-byte value (what
// a session lookup costs), Set of one, and both from parallel goroutines.
// Backends call it from a Benchmark function so that their figures compare.
func Bench(b *testing.B, st store.Store) {
	ctx := context.Background()
	value := make([]byte, 512)
	exp := time.Now().Add(time.Hour)
	const keys = 1024
	for i := range keys {
		if err := st.Set(ctx, fmt.Sprint("bench:", i), value, exp); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("Get", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := st.Get(ctx, fmt.Sprint("bench:", i%keys)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("Set", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if err := st.Set(ctx, fmt.Sprint("bench:", i%keys), value, exp); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("GetParallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if _, err := st.Get(ctx, fmt.Sprint("bench:", i%keys)); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
	b.Run("SetParallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if err := st.Set(ctx, fmt.Sprint("bench:", i%keys), value, exp); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}
