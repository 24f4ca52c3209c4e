package redis_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/redis"
	goredis "github.com/redis/go-redis/v9"
)

// Open a store on a Redis server by its URL; every instance of the app
// opened with the same URL and prefix shares its values, sets and messages.
// The blank import of the package is all it takes.
func Example() {
	ctx := context.Background()
	s, err := store.Open(ctx, "redis://127.0.0.1:6379/0?key_prefix=example-app:")
	if errors.Is(err, auth0gin.ErrUnavailable) {
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

// A store on a client of one's own: a cluster here (store.Open of a
// redis+cluster:// URL does the same). Keep its timeouts short.
func ExampleNew() {
	client := goredis.NewClusterClient(&goredis.ClusterOptions{
		Addrs:        []string{"10.0.0.1:6379", "10.0.0.2:6379", "10.0.0.3:6379"},
		DialTimeout:  time.Second,
		ReadTimeout:  time.Second,
		WriteTimeout: time.Second,
	})
	defer client.Close()
	s := redis.New(client, "example-app:")
	defer s.Close()
	_ = s // give s to sessions, login, ...
}
