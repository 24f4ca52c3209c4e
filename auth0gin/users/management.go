package users

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/management"
)

// managementSource fetches the profile from the Management API with the
// app's machine client (read:users scope), whatever credential the request
// carried.
// It serves the users of one user base, home: the tenant it talks to. A user
// of another tenant gets a zero Profile (the claims make the row), for the
// same id there is someone else.
type managementSource struct {
	client *management.Client
	home   string // the user base it serves; "" when New had no Auth0 to tell
}

// Profile implements ProfileSource. A 5xx, a 429 past the client's retries,
// a timeout or no answer at all is an outage, with the wait the rate limit
// announced.
func (s managementSource) Profile(ctx context.Context, userBase, auth0ID string) (Profile, error) {
	if s.home != "" && userBase != s.home {
		return Profile{}, nil
	}
	u, err := s.client.GetUser(ctx, auth0ID)
	if err != nil {
		var me *management.Error
		var ne net.Error
		switch {
		case errors.Is(err, management.ErrRateLimited):
			var wait time.Duration
			if errors.As(err, &me) {
				wait = me.RetryAfter
			}
			return Profile{}, auth0gin.Unavailable("the Management API is rate limited", wait, err)
		case errors.Is(err, auth0gin.ErrUnavailable), errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne):
			return Profile{}, auth0gin.Unavailable("the Management API cannot answer now", 0, err)
		}
		return Profile{}, fmt.Errorf("users: management: %w", err)
	}
	return Profile{Auth0ID: auth0ID, UserBase: userBase, Email: u.Email, EmailVerified: u.EmailVerified, Name: u.Name, Picture: u.Picture}, nil
}
