package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/postgres"
)

// Open a store in its own schema; every instance opened on the same database
// and schema shares its values, sets and messages. The blank import of the
// package is all it takes.
func Example() {
	ctx := context.Background()
	s, err := store.Open(ctx, "postgres://postgres@127.0.0.1:5432/test?sslmode=disable&schema=auth0gin")
	if errors.Is(err, auth0gin.ErrUnavailable) {
		log.Print("postgres is down: ", err)
		return
	}
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	// A logout on one instance reaches the others' caches at once.
	stop, err := s.Subscribe(ctx, "logout", func(sessionID string) { fmt.Println("forget", sessionID) })
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	if err := s.Publish(ctx, "logout", "session-123"); err != nil {
		log.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // only so that the example shows the delivery
}
