package postgres_test

import (
	"context"
	"log"
	"os"

	"github.com/auth0gin/auth0gin/auth0gin/users"
	"github.com/auth0gin/auth0gin/auth0gin/users/postgres"
	"github.com/auth0gin/auth0gin/auth0gin/users/sqlstore"
)

func ExampleOpen() {
	ctx := context.Background()
	st, err := postgres.Open(ctx, os.Getenv("DATABASE_URL"), sqlstore.Options{Table: "app.users"})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	res, err := users.New(users.Config[users.User]{Store: st})
	if err != nil {
		log.Fatal(err)
	}
	_ = res // mount res.Require() after the guard
}
