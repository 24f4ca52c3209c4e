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
type managementSource struct{ client *management.Client }

// Profile implements ProfileSource. A 5xx, a 429 past the client's retries,
// a timeout or no answer at all is an outage, with the wait the rate limit
// announced.
func (s managementSource) Profile(ctx context.Context, auth0ID string) (Profile, error) {
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
	return Profile{Auth0ID: u.ID, Email: u.Email, EmailVerified: u.EmailVerified, Name: u.Name, Picture: u.Picture}, nil
}
