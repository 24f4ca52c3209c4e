package management

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// UpdateUser's Blocked sets Auth0's blocked flag, which the tenant's logins obey.
func TestBlock(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	login := func() int {
		t.Helper()
		res, err := http.PostForm(f.tenant.URL+"oauth/token", url.Values{
			"grant_type": {"password"}, "client_id": {devtenant.SPAClient.ID},
			"username": {devtenant.Bob.Email}, "password": {devtenant.Bob.Password},
		})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	yes, no := true, false
	u, err := f.client.UpdateUser(ctx, devtenant.Bob.ID, UserUpdate{Blocked: &yes})
	if err != nil || !u.Blocked {
		t.Fatalf("Block: %+v, %v", u, err)
	}
	if u, err = f.client.GetUser(ctx, devtenant.Bob.ID); err != nil || !u.Blocked {
		t.Fatalf("blocked bob: %+v, %v", u, err)
	}
	if got := login(); got != http.StatusUnauthorized {
		t.Errorf("a blocked user's login: %d, want 401", got)
	}
	if u, err = f.client.UpdateUser(ctx, devtenant.Bob.ID, UserUpdate{Blocked: &no}); err != nil || u.Blocked {
		t.Fatalf("Unblock: %+v, %v", u, err)
	}
	if got := login(); got != http.StatusOK {
		t.Errorf("an unblocked user's login: %d, want 200", got)
	}
	if _, err := f.client.UpdateUser(ctx, "auth0|nobody", UserUpdate{Blocked: &yes}); !errors.Is(err, ErrNotFound) {
		t.Errorf("nobody: %v", err)
	}
}
