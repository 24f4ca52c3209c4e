package users

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/management"
)

// ManagementSource fetches the profile from the Management API with the
// app's machine client (users.read scope), whatever credential the request
// carried: the choice for apps that have a machine client.
type ManagementSource struct {
	// Client is the Management API client.
	Client *management.Client
}

// Profile implements ProfileSource. A 5xx, a 429 past the client's retries,
// a timeout or no answer at all is an outage (ErrProfileUnavailable).
func (s ManagementSource) Profile(ctx context.Context, auth0ID string) (Profile, error) {
	u, err := s.Client.GetUser(ctx, auth0ID)
	if err != nil {
		var me *management.Error
		var ne net.Error
		switch {
		case errors.Is(err, auth0gin.ErrUnavailable), errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne):
			return Profile{}, &UnavailableError{Err: err}
		case errors.Is(err, management.ErrRateLimited):
			ue := &UnavailableError{Err: err}
			if errors.As(err, &me) {
				ue.RetryAfter = me.RetryAfter
			}
			return Profile{}, ue
		}
		return Profile{}, fmt.Errorf("users: management: %w", err)
	}
	return Profile{Auth0ID: u.ID, Email: u.Email, EmailVerified: u.EmailVerified, Name: u.Name, Picture: u.Picture}, nil
}
