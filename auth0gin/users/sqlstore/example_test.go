package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"

	_ "modernc.org/sqlite"

	"github.com/auth0gin/auth0gin/auth0gin/users/sqlite"
	"github.com/auth0gin/auth0gin/auth0gin/users/sqlstore"
)

// A store on a *sql.DB you opened yourself, in a table of your choosing.
func ExampleNew() {
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		panic(err)
	}
	db.SetMaxOpenConns(1) // one in-memory database
	st, err := sqlstore.New(context.Background(), db, sqlite.Dialect(), sqlstore.Options{Table: "app_users"})
	if err != nil {
		panic(err)
	}
	defer st.Close()
	imported, err := st.Insert(context.Background(), "alice@example.com", "Alice")
	if err != nil {
		panic(err)
	}
	linked, err := st.LinkByEmail(context.Background(), "ALICE@example.com", "auth0|alice")
	fmt.Println(st.Table(), imported.ID == linked.ID, linked.Auth0ID, err)
	// Output: app_users true auth0|alice <nil>
}
