package storeurl_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store/storeurl"
)

// Open the store SESSION_STORE_URL names; empty means SQLite in memory.
func ExampleOpen() {
	ctx := context.Background()
	s, err := storeurl.Open(ctx, os.Getenv("SESSION_STORE_URL_EXAMPLE_UNSET"))
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
