package redis_test

import (
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
	goredis "github.com/redis/go-redis/v9"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// rawClient is a plain client on the shared server, to look behind the store.
func rawClient(t *testing.T) *goredis.Client {
	t.Helper()
	o, err := goredis.ParseURL(redistest.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := goredis.NewClient(o)
	t.Cleanup(func() { _ = c.Close() })
	return c
}
