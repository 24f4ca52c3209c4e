package sqlite_test

import (
	"context"
	"fmt"

	"github.com/auth0gin/auth0gin/auth0gin/users"
	"github.com/auth0gin/auth0gin/auth0gin/users/sqlite"
	"github.com/auth0gin/auth0gin/auth0gin/users/sqlstore"
)

func ExampleOpen() {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, "", sqlstore.Options{}) // a path for a file; "" for memory
	if err != nil {
		panic(err)
	}
	defer st.Close()
	u, err := st.Create(ctx, users.Profile{Auth0ID: "auth0|alice", Email: "alice@example.com", Name: "Alice"})
	if err != nil {
		panic(err)
	}
	fmt.Println(u.ID, u.Auth0ID, u.Name)
	// Output: 1 auth0|alice Alice
}
