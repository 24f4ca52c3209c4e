// Command redisonly is an app on Redis alone: TestOnlyImportedDrivers checks
// that it links neither SQLite nor pgx.
package main

import (
	"context"
	"os"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/redis"
)

func main() {
	st, err := store.Open(context.Background(), os.Getenv("SESSION_STORE_URL"))
	if err != nil {
		os.Exit(1)
	}
	_ = st.Close()
}
