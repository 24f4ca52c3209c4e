package store_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite" // sqlite: URLs and the empty one
)

// Open the store SESSION_STORE_URL names; empty means SQLite in memory. The
// app links the backends it imports, here SQLite alone.
func ExampleOpen() {
	ctx := context.Background()
	s, err := store.Open(ctx, os.Getenv("SESSION_STORE_URL_EXAMPLE_UNSET"))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	if err := s.Set(ctx, "greeting", []byte("hello"), time.Now().Add(time.Minute)); err != nil {
		log.Fatal(err)
	}
	v, err := s.Get(ctx, "greeting")
	fmt.Println(string(v), err)
	// Output: hello <nil>
}
