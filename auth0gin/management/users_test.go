package management

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

func TestGetUser(t *testing.T) {
	f := newFixture(t, nil)
	var mu sync.Mutex
	var paths []string
	f.wire.setOnAPI(func(r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.EscapedPath())
		mu.Unlock()
	})
	ctx := context.Background()
	u, err := f.client.GetUser(ctx, devtenant.Alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != devtenant.Alice.ID || u.Email != devtenant.Alice.Email || !u.EmailVerified || u.Name != "Alice Example" ||
		u.Nickname != "alice" || u.Picture == "" || u.CreatedAt.IsZero() || u.UpdatedAt.IsZero() ||
		len(u.Identities) != 1 || u.Identities[0].Connection != "Username-Password-Authentication" || u.Identities[0].UserID != "alice" {
		t.Errorf("alice = %+v", u)
	}
	if paths[0] != "/api/v2/users/auth0%7Calice" {
		t.Errorf("path %q, want the id escaped", paths[0])
	}

	_, err = f.client.GetUser(ctx, "auth0|nobody")
	var e *Error
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &e) || e.StatusCode != 404 || e.ErrorCode != "inexistent_user" ||
		e.Message != "The user does not exist." || e.Title != "Not Found" || errors.Is(err, ErrConflict) {
		t.Fatalf("err = %#v", err)
	}
	if want := "management: GET /api/v2/users/auth0%7Cnobody: 404 Not Found: The user does not exist. (inexistent_user)"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if _, err := f.client.GetUser(ctx, ""); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("empty id: %v", err)
	}
}

// A user id holding a slash and a pipe reaches the API as one path segment.
func TestUserIDEscaped(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	u, err := f.client.CreateUser(ctx, NewUser{Connection: "Username-Password-Authentication", Email: "slash@example.com", Password: "pw-slash-1", UserID: "a/b?c#d"})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "auth0|a/b?c#d" {
		t.Fatalf("id %q", u.ID)
	}
	got, err := f.client.GetUser(ctx, u.ID)
	if err != nil || got.Email != "slash@example.com" {
		t.Fatalf("GetUser(%q) = %+v, %v", u.ID, got, err)
	}
}

func TestUsersByEmail(t *testing.T) {
	f := newFixture(t, nil, auth0test.WithUsers(
		devtenant.User{ID: "auth0|alice-other", Email: devtenant.Alice.Email, Password: "x", Connection: "other-db"},
	))
	ctx := context.Background()
	users, err := f.client.UsersByEmail(ctx, "  ALICE@Example.COM ")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, u := range users {
		ids[u.ID] = true
	}
	if len(users) != 2 || !ids[devtenant.Alice.ID] || !ids["auth0|alice-other"] {
		t.Errorf("users = %+v, want alice in both connections", users)
	}
	users, err = f.client.UsersByEmail(ctx, "nobody@example.com")
	if err != nil || users == nil || len(users) != 0 {
		t.Errorf("nobody: %v, %v; want an empty slice", users, err)
	}
	if _, err := f.client.UsersByEmail(ctx, " "); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("empty email: %v", err)
	}
}

func TestSearchUsers(t *testing.T) {
	var extra []devtenant.User
	for _, n := range []string{"p1", "p2", "p3", "p4", "p5"} {
		extra = append(extra, devtenant.User{Email: n + "@paged.example", Password: "x", Name: "Paged " + n})
	}
	f := newFixture(t, nil, auth0test.WithUsers(extra...))
	ctx := context.Background()

	page, err := f.client.SearchUsers(ctx, SearchOptions{Query: `email:"bob@example.com"`})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || len(page.Users) != 1 || page.Users[0].ID != devtenant.Bob.ID || (page.Start+page.Length < page.Total) {
		t.Errorf("bob: %+v", page)
	}

	var seen []string
	for p := 0; ; p++ {
		page, err := f.client.SearchUsers(ctx, SearchOptions{Query: "name:Paged*", Page: p, PerPage: 2})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 5 || page.Limit != 2 || page.Start != p*2 || page.Length != len(page.Users) {
			t.Fatalf("page %d: %+v", p, page)
		}
		for _, u := range page.Users {
			seen = append(seen, u.Email)
		}
		if !(page.Start+page.Length < page.Total) {
			break
		}
	}
	if strings.Join(seen, ",") != "p1@paged.example,p2@paged.example,p3@paged.example,p4@paged.example,p5@paged.example" {
		t.Errorf("paged through %v", seen)
	}

	page, err = f.client.SearchUsers(ctx, SearchOptions{Query: "email:nobody@nowhere.example"})
	if err != nil || page.Total != 0 || page.Users == nil {
		t.Errorf("no match: %+v, %v", page, err)
	}
	_, err = f.client.SearchUsers(ctx, SearchOptions{Query: "nosuchfield:x"})
	var e *Error
	if !errors.Is(err, ErrInvalidRequest) || !errors.As(err, &e) || e.ErrorCode != "invalid_query_string" {
		t.Errorf("bad query: %v", err)
	}
}

func TestCreateUser(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	u, err := f.client.CreateUser(ctx, NewUser{
		Connection: "Username-Password-Authentication", Email: "Carol@Example.com", Password: "carol-password-1",
		Name: "Carol", EmailVerified: true, UserMetadata: map[string]any{"theme": "dark"}, AppMetadata: map[string]any{"plan": "free"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.ID, "auth0|") || u.Email != "carol@example.com" || u.Name != "Carol" || !u.EmailVerified ||
		u.UserMetadata["theme"] != "dark" || u.AppMetadata["plan"] != "free" {
		t.Errorf("created %+v", u)
	}
	if got, err := f.client.GetUser(ctx, u.ID); err != nil || got.Email != "carol@example.com" {
		t.Errorf("read back: %+v, %v", got, err)
	}
	// The user can log in with the password.
	f.tenant.PasswordToken(t, "carol@example.com", "carol-password-1")

	_, err = f.client.CreateUser(ctx, NewUser{Connection: "Username-Password-Authentication", Email: "carol@example.com", Password: "x"})
	var e *Error
	if !errors.Is(err, ErrConflict) || !errors.As(err, &e) || e.StatusCode != 409 || e.Message != "The user already exists." {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := f.client.CreateUser(ctx, NewUser{Email: "dave@example.com", Password: "x"}); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("no connection: %v", err)
	}
	_, err = f.client.CreateUser(ctx, NewUser{Connection: "no-such-connection", Email: "dave@example.com", Password: "x"})
	if !errors.Is(err, ErrInvalidRequest) || !errors.As(err, &e) || e.ErrorCode != "inexistent_connection" {
		t.Errorf("unknown connection: %v", err)
	}
}

func TestUpdateUser(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	u, err := f.client.CreateUser(ctx, NewUser{
		Connection: "Username-Password-Authentication", Email: "erin@example.com", Password: "erin-password-1",
		UserMetadata: map[string]any{"theme": "dark", "lang": "en", "address": map[string]any{"city": "Paris", "zip": "75001"}},
		AppMetadata:  map[string]any{"plan": "free"},
	})
	if err != nil {
		t.Fatal(err)
	}
	name := "Erin Updated"
	u, err = f.client.UpdateUser(ctx, u.ID, UserUpdate{
		Name: &name,
		UserMetadata: map[string]any{
			"lang":    nil,                            // unset
			"size":    "xl",                           // added
			"address": map[string]any{"city": "Lyon"}, // replaced whole: one level deep
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"theme": "dark", "size": "xl", "address": map[string]any{"city": "Lyon"}}
	if got, _ := json.Marshal(u.UserMetadata); string(got) != mustJSON(want) || u.Name != name || u.AppMetadata["plan"] != "free" {
		t.Errorf("updated: name %q user_metadata %s app_metadata %v", u.Name, got, u.AppMetadata)
	}

	// An empty map changes nothing; Clear removes it all.
	if u, err = f.client.UpdateUser(ctx, u.ID, UserUpdate{UserMetadata: map[string]any{}, AppMetadata: map[string]any{"plan": "pro"}}); err != nil ||
		len(u.UserMetadata) != 3 || u.AppMetadata["plan"] != "pro" {
		t.Fatalf("empty map: %+v, %v", u, err)
	}
	if u, err = f.client.UpdateUser(ctx, u.ID, UserUpdate{ClearUserMetadata: true}); err != nil || len(u.UserMetadata) != 0 || u.AppMetadata["plan"] != "pro" {
		t.Fatalf("clear: %+v, %v", u, err)
	}
	if _, err = f.client.UpdateUser(ctx, u.ID, UserUpdate{ClearAppMetadata: true, AppMetadata: map[string]any{"a": 1}}); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("clear and set: %v", err)
	}

	taken := devtenant.Alice.Email
	if _, err = f.client.UpdateUser(ctx, u.ID, UserUpdate{Email: &taken}); !errors.Is(err, ErrConflict) {
		t.Errorf("email taken: %v", err)
	}
	if _, err = f.client.UpdateUser(ctx, "auth0|nobody", UserUpdate{Name: &name}); !errors.Is(err, ErrNotFound) {
		t.Errorf("nobody: %v", err)
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestUserUpdateJSON(t *testing.T) {
	yes, name := true, "N"
	got, err := json.Marshal(UserUpdate{
		Name: &name, Blocked: &yes, UserMetadata: map[string]any{"gone": nil, "kept": 1}, ClearAppMetadata: true,
	}.patchBody())
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"app_metadata":{},"blocked":true,"name":"N","user_metadata":{"gone":null,"kept":1}}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got, _ := json.Marshal(UserUpdate{UserMetadata: map[string]any{}}.patchBody()); string(got) != `{}` {
		t.Errorf("empty update: %s", got)
	}
}

func TestDeleteUser(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	if err := f.client.DeleteUser(ctx, devtenant.Bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.GetUser(ctx, devtenant.Bob.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
	if err := f.client.DeleteUser(ctx, devtenant.Bob.ID); err != nil {
		t.Errorf("deleting again (Auth0 answers 204): %v", err)
	}
}

// A client authorized for read:users only gets ErrInsufficientScope on writes.
func TestInsufficientScope(t *testing.T) {
	cfg := devtenant.Default()
	for i, c := range cfg.Clients {
		if c.ID == devtenant.M2MClient.ID {
			cfg.Clients[i].Grants = map[string][]string{"{issuer}api/v2/": {"read:users"}}
		}
	}
	f := newFixture(t, nil, auth0test.WithConfig(cfg))
	ctx := context.Background()
	if _, err := f.client.GetUser(ctx, devtenant.Alice.ID); err != nil {
		t.Fatal(err)
	}
	name, blocked := "x", true
	for op, err := range map[string]error{
		"create": func() error {
			_, err := f.client.CreateUser(ctx, NewUser{Connection: "Username-Password-Authentication", Email: "z@example.com", Password: "x"})
			return err
		}(),
		"update": func() error {
			_, err := f.client.UpdateUser(ctx, devtenant.Bob.ID, UserUpdate{Name: &name})
			return err
		}(),
		"block": func() error {
			_, err := f.client.UpdateUser(ctx, devtenant.Bob.ID, UserUpdate{Blocked: &blocked})
			return err
		}(),
		"delete": f.client.DeleteUser(ctx, devtenant.Bob.ID),
	} {
		var e *Error
		if !errors.Is(err, ErrInsufficientScope) || !errors.As(err, &e) || e.StatusCode != 403 {
			t.Errorf("%s: %v, want 403 insufficient_scope", op, err)
		}
	}
}
