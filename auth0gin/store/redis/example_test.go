package redis_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/redis"
)

// Open a store on a Redis server; every instance of the app opened with the
// same URL and prefix shares its values, sets and messages.
func ExampleOpen() {
	ctx := context.Background()
	s, err := redis.Open(ctx, "redis://127.0.0.1:6379/0", redis.WithKeyPrefix("example-app:"))
	if errors.Is(err, store.ErrUnavailable) {
		log.Print("redis is down: ", err)
		return
	}
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	if err := s.Set(ctx, "greeting", []byte("hello"), time.Now().Add(time.Minute)); err != nil {
		log.Fatal(err)
	}
	v, err := s.Get(ctx, "greeting")
	fmt.Println(string(v), err)
}
