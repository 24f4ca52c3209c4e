package sqlite_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
)

// An in-memory store: what the empty URL opens, the default when no
// SESSION_STORE_URL is configured.
func Example() {
	ctx := context.Background()
	s, err := store.Open(ctx, "")
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	if err := s.Set(ctx, "greeting", []byte("hello"), time.Now().Add(time.Hour)); err != nil {
		log.Fatal(err)
	}
	v, err := s.Get(ctx, "greeting")
	fmt.Println(string(v), err)
	// Output: hello <nil>
}

// A file keeps what it holds across restarts; Add is the building block of
// create-once and of locks.
func Example_file() {
	dir, err := os.MkdirTemp("", "sessions")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := store.Open(ctx, "sqlite://"+filepath.Join(dir, "sessions.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	first, _ := s.Add(ctx, "lock:refresh", []byte("instance-a"), time.Now().Add(10*time.Second))
	second, _ := s.Add(ctx, "lock:refresh", []byte("instance-b"), time.Now().Add(10*time.Second))
	fmt.Println(first, second)
	// Output: true false
}
