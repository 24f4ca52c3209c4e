package management_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/management"
)

// devTenant starts a local Auth0-compatible tenant and returns a Config for
// its machine-to-machine application, which is authorized for the
// Management API's users scopes. With a real tenant, use
// management.FromEnv() instead.
func devTenant() (management.Config, func()) {
	cfg := devtenant.Default()
	cfg.Logger = slog.New(slog.DiscardHandler)
	srv, err := devtenant.Listen("127.0.0.1:0", cfg)
	if err != nil {
		log.Fatal(err)
	}
	return management.Config{
		Domain:       srv.URL,
		ClientID:     devtenant.M2MClient.ID,
		ClientSecret: devtenant.M2MClient.Secret,
		Logger:       slog.New(slog.DiscardHandler),
	}, func() { srv.Close() }
}

func Example() {
	cfg, stop := devTenant() // or management.FromEnv()
	defer stop()
	ctx := context.Background()

	mgmt, err := management.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	user, err := mgmt.GetUser(ctx, "auth0|alice")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(user.ID, user.Email, user.EmailVerified, user.Identities[0].Connection)
	// Output: auth0|alice alice@example.com true Username-Password-Authentication
}

// A configuration from AUTH0_DOMAIN, AUTH0_M2M_CLIENT_ID and
// AUTH0_M2M_CLIENT_SECRET (a .env file is read first).
func ExampleFromEnv() {
	mgmt, err := management.New(management.FromEnv())
	if err != nil {
		log.Fatal(err) // auth0gin: invalid config: management: ...
	}
	_ = mgmt
}

func ExampleClient_GetUser() {
	cfg, stop := devTenant()
	defer stop()
	mgmt, _ := management.New(cfg)

	_, err := mgmt.GetUser(context.Background(), "auth0|nobody")
	fmt.Println(errors.Is(err, management.ErrNotFound))
	var e *management.Error
	if errors.As(err, &e) {
		fmt.Println(e.StatusCode, e.ErrorCode, e.Message)
	}
	// Output:
	// true
	// 404 inexistent_user The user does not exist.
}

// Emails are matched without regard to case; one user per connection.
func ExampleClient_UsersByEmail() {
	cfg, stop := devTenant()
	defer stop()
	mgmt, _ := management.New(cfg)

	users, err := mgmt.UsersByEmail(context.Background(), "Bob@Example.com")
	if err != nil {
		log.Fatal(err)
	}
	for _, u := range users {
		fmt.Println(u.ID, u.Name)
	}
	// Output: auth0|bob Bob Example
}

// Page through a search while later pages hold more users. An empty Query lists every
// user; Query takes Auth0's search syntax, e.g. `email:"bob@example.com"`.
func ExampleClient_SearchUsers() {
	cfg, stop := devTenant()
	defer stop()
	mgmt, _ := management.New(cfg)
	ctx := context.Background()

	for page := 0; ; page++ {
		res, err := mgmt.SearchUsers(ctx, management.SearchOptions{Sort: "email:1", Page: page, PerPage: 1})
		if err != nil {
			log.Fatal(err)
		}
		for _, u := range res.Users {
			fmt.Printf("%d/%d %s\n", res.Start+1, res.Total, u.Email)
		}
		if res.Start+res.Length >= res.Total { // the last page
			break
		}
	}
	// Output:
	// 1/2 alice@example.com
	// 2/2 bob@example.com
}

func ExampleClient_CreateUser() {
	cfg, stop := devTenant()
	defer stop()
	mgmt, _ := management.New(cfg)
	ctx := context.Background()

	carol := management.NewUser{
		Connection:  "Username-Password-Authentication", // required
		Email:       "carol@example.com",
		Password:    "a-long-passphrase",
		Name:        "Carol",
		AppMetadata: map[string]any{"plan": "free"},
	}
	u, err := mgmt.CreateUser(ctx, carol)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Email, u.Name, u.AppMetadata["plan"])

	_, err = mgmt.CreateUser(ctx, carol)
	fmt.Println(errors.Is(err, management.ErrConflict))
	// Output:
	// carol@example.com Carol free
	// true
}

// Metadata is merged one level deep; a nil value unsets its key.
func ExampleClient_UpdateUser() {
	cfg, stop := devTenant()
	defer stop()
	mgmt, _ := management.New(cfg)
	ctx := context.Background()

	mgmt.UpdateUser(ctx, "auth0|bob", management.UserUpdate{
		UserMetadata: map[string]any{"theme": "dark", "lang": "en"},
	})
	name := "Robert"
	u, err := mgmt.UpdateUser(ctx, "auth0|bob", management.UserUpdate{
		Name:         &name,
		UserMetadata: map[string]any{"lang": nil, "size": "xl"}, // unset lang, add size, keep theme
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Name, u.UserMetadata)
	// Output: Robert map[size:xl theme:dark]
}

// Block a user (who can then no longer log in), and unblock them.
func ExampleUserUpdate_blocked() {
	cfg, stop := devTenant()
	defer stop()
	mgmt, _ := management.New(cfg)
	ctx := context.Background()

	blocked := true
	u, _ := mgmt.UpdateUser(ctx, "auth0|bob", management.UserUpdate{Blocked: &blocked})
	fmt.Println(u.Blocked)
	blocked = false
	u, _ = mgmt.UpdateUser(ctx, "auth0|bob", management.UserUpdate{Blocked: &blocked})
	fmt.Println(u.Blocked)
	// Output:
	// true
	// false
}

func ExampleClient_DeleteUser() {
	cfg, stop := devTenant()
	defer stop()
	mgmt, _ := management.New(cfg)
	ctx := context.Background()

	if err := mgmt.DeleteUser(ctx, "auth0|bob"); err != nil {
		log.Fatal(err)
	}
	_, err := mgmt.GetUser(ctx, "auth0|bob")
	fmt.Println(errors.Is(err, management.ErrNotFound))
	// Output: true
}

// A rate-limited call waits for X-RateLimit-Reset; when the context's
// deadline comes first it fails at once, and RetryAfter says when to retry.
func ExampleError() {
	var err error = &management.Error{Method: "GET", Path: "/api/v2/users", StatusCode: 429,
		Title: "Too Many Requests", ErrorCode: "too_many_requests"}
	var e *management.Error
	if errors.Is(err, management.ErrRateLimited) && errors.As(err, &e) {
		fmt.Println(e.StatusCode, e.ErrorCode)
	}
	// Output: 429 too_many_requests
}
