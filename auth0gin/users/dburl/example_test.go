package dburl_test

import (
	"context"
	"fmt"

	"github.com/auth0gin/auth0gin/auth0gin/users/dburl"
	"github.com/auth0gin/auth0gin/auth0gin/users/sqlstore"
)

func ExampleOpen() {
	// os.Getenv("DATABASE_URL"): "" is SQLite in memory, sqlite:///path/app.db
	// a file, postgres://user@host/db PostgreSQL.
	st, err := dburl.Open(context.Background(), "", sqlstore.Options{})
	if err != nil {
		panic(err)
	}
	defer st.Close()
	n, err := st.Count(context.Background())
	fmt.Println(n, err)
	// Output: 0 <nil>
}
