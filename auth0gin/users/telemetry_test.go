package users_test

import (
	"context"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry/telemetrytest"
	"github.com/auth0gin/auth0gin/auth0gin/users"
)

// profileFunc is a ProfileSource of a function.
type profileFunc func(ctx context.Context, userBase, id string) (users.Profile, error)

func (f profileFunc) Profile(ctx context.Context, userBase, id string) (users.Profile, error) {
	return f(ctx, userBase, id)
}

// A user created on PostgreSQL by two instances at once: both fetch the
// profile and create, one loses the race and reads the winner's row; the
// next resolution finds the row by id.
func TestTelemetryUserCreated(t *testing.T) {
	sdk := telemetrytest.New(t)
	tenant := newTenant(t)
	ac := tenant.Config()
	ac.MeterProvider, ac.TracerProvider = sdk.Meters, sdk.Traces
	auth := auth0gin.MustNew(ac)
	table := pgSchema(t)
	open := func(src users.ProfileSource) *users.Resolver[users.User] {
		r, err := users.New(t.Context(), auth, users.Config[users.User]{DatabaseURL: pgURL(), Table: table, Profiles: src})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = r.Close() })
		return r
	}
	plain := profileFunc(func(_ context.Context, userBase, id string) (users.Profile, error) {
		return users.Profile{UserBase: userBase, Auth0ID: id, Name: "Alice"}, nil
	})
	winner := open(plain)
	var u *auth0gin.Auth0User
	// The loser's profile fetch lets the winner create the row first.
	loser := open(profileFunc(func(ctx context.Context, userBase, id string) (users.Profile, error) {
		if _, err := winner.Resolve(ctx, u); err != nil {
			t.Errorf("the winner: %v", err)
		}
		return plain(ctx, userBase, id)
	}))
	u = verify(t, auth, tenant.Token(t))
	a, err := loser.Resolve(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	loser.Invalidate(u.UserBase, u.ID)
	b, err := loser.Resolve(t.Context(), u)
	if err != nil || b.User.ID != a.User.ID {
		t.Fatalf("again: %+v, %v", b, err)
	}
	p := sdk.Collect(t)
	telemetrytest.Want(t, p, 2, "auth0gin.users.resolutions", "path", "create")
	telemetrytest.Want(t, p, 1, "auth0gin.users.resolutions", "path", "id")
	telemetrytest.Want(t, p, 1, "auth0gin.users.creation_races_lost")
	telemetrytest.Want(t, p, 2, "auth0gin.users.profile.fetches", "source", "custom", "result", "ok")
}
