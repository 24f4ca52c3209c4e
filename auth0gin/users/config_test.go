package users_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/users"
)

// clearEnv unsets the variables FromEnv reads, restored after the test.
func clearEnv(t *testing.T) {
	for _, k := range []string{"DATABASE_URL", "AUTH0_M2M_CLIENT_ID", "AUTH0_M2M_CLIENT_SECRET", "AUTH0_DOMAIN", "AUTH0_MANAGEMENT_AUDIENCE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// TestFromEnv: DATABASE_URL (from .env, the real environment winning) is
// where New keeps users.User, and the wiring is one call.
func TestFromEnv(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "from-dotenv.db")
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("DATABASE_URL=sqlite://"+file+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	tenant := newTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	ctx := context.Background()

	me, err := users.New(ctx, auth, users.FromEnv())
	if err != nil {
		t.Fatal(err)
	}
	defer me.Close()
	cur, err := me.Resolve(ctx, verify(t, auth, tenant.Token(t)))
	if err != nil || cur.User.Auth0ID != devtenant.Alice.ID || cur.User.Email != devtenant.Alice.Email {
		t.Fatalf("%+v %v", cur, err)
	}
	if _, err := os.Stat(file); err != nil {
		t.Errorf("the .env's DATABASE_URL was not used: %v", err)
	}

	t.Setenv("DATABASE_URL", "sqlite:from-env.db")
	if cfg := users.FromEnv(); cfg.DatabaseURL != "sqlite:from-env.db" {
		t.Errorf("the real environment lost to .env: %q", cfg.DatabaseURL)
	}
}

// TestFromEnvManagement: AUTH0_M2M_CLIENT_ID makes profiles come from the
// Management API; an incomplete machine client is New's error.
func TestFromEnvManagement(t *testing.T) {
	clearEnv(t)
	t.Chdir(t.TempDir())
	tenant := newTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	ctx := context.Background()

	t.Setenv("AUTH0_M2M_CLIENT_ID", devtenant.M2MClient.ID)
	if _, err := users.New(ctx, auth, users.FromEnv()); !errors.Is(err, auth0gin.ErrConfig) {
		t.Errorf("a client id without its secret: %v, want ErrConfig", err)
	}

	// AUTH0_DOMAIN unset: the Auth0's tenant is the Management API's.
	t.Setenv("AUTH0_M2M_CLIENT_SECRET", devtenant.M2MClient.Secret)
	t.Setenv("AUTH0_MANAGEMENT_AUDIENCE", tenant.ManagementAudience())
	me, err := users.New(ctx, auth, users.FromEnv())
	if err != nil {
		t.Fatal(err)
	}
	defer me.Close()
	// Bob's token carries no name: the Management API gives it.
	cur, err := me.Resolve(ctx, verify(t, auth, tenant.Token(t, auth0test.User(devtenant.Bob.Email))))
	if err != nil || cur.User.Name != "Bob Example" {
		t.Errorf("bob through the Management API: %+v %v", cur, err)
	}
}

func TestConfigErrors(t *testing.T) {
	ctx := context.Background()
	type Account struct{ ID int }
	if _, err := users.New(ctx, nil, users.Config[Account]{}); !errors.Is(err, auth0gin.ErrConfig) {
		t.Errorf("no Store for an own type: %v", err)
	}
	if _, err := users.New(ctx, nil, users.Config[users.User]{Store: sqliteStore(t), DatabaseURL: "sqlite::memory:"}); !errors.Is(err, auth0gin.ErrConfig) {
		t.Errorf("both Store and DatabaseURL: %v", err)
	}
	if _, err := users.New(ctx, nil, users.Config[users.User]{DatabaseURL: "mysql://u:hunter2@db/app"}); !errors.Is(err, auth0gin.ErrConfig) || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("an unknown scheme: %v", err)
	}
	if _, err := users.New(ctx, nil, users.Config[users.User]{Table: "users; DROP TABLE x"}); !errors.Is(err, auth0gin.ErrConfig) {
		t.Errorf("a table that is no identifier: %v", err)
	}
}

// TestEmptyProfileWarns: a new user with neither a name nor an email is
// logged once, with its Auth0 id and no token; a profile with an email is
// not.
func TestEmptyProfileWarns(t *testing.T) {
	tenant := newTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	ctx := context.Background()
	var logs bytes.Buffer
	st := sqliteStore(t)
	res := newResolver(t, users.Config[users.User]{
		Store: st, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})

	token := tenant.Token(t, auth0test.Subject("auth0|ghost"))
	ghost := verify(t, auth, token)
	for range 2 { // created, then deleted and created again: one warning
		cur, err := res.Resolve(ctx, ghost)
		if err != nil || cur.User.Name != "" || cur.User.Email != "" {
			t.Fatalf("ghost: %+v %v", cur, err)
		}
		if err := st.Delete(ctx, base(auth), ghost.ID); err != nil {
			t.Fatal(err)
		}
		res.Invalidate(base(auth), ghost.ID)
	}
	if n := strings.Count(logs.String(), "neither a name nor an email"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "auth0|ghost") {
		t.Errorf("the warning: %s", logs.String())
	}
	if strings.Contains(logs.String(), token[len(token)-20:]) {
		t.Errorf("the warning carries the token: %s", logs.String())
	}

	logs.Reset()
	if _, err := res.Resolve(ctx, verify(t, auth, tenant.Token(t))); err != nil { // alice: an email, no name
		t.Fatal(err)
	}
	if logs.Len() != 0 {
		t.Errorf("a profile with an email was warned about: %s", logs.String())
	}
}
