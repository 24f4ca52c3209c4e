package users

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/tenanturl"
)

// userinfoSource fetches the profile from the tenant's /userinfo with the
// caller's own access token: for apps with no machine client for the
// Management API. The token must have been issued with the `openid` scope
// (its audience then includes /userinfo), and `profile email` for the name
// and email. Auth0 rate limits /userinfo tightly per user; the resolver
// asks it once per new user and instance.
type userinfoSource struct {
	url    string       // "" for the /userinfo of the caller's user base
	client *http.Client // default: a client with a 10 s timeout
}

// Profile implements ProfileSource with the token WithToken attached to ctx.
// With no token (a session cookie), or one /userinfo refuses, there is no
// profile to get: a zero Profile, and the claims make the row.
func (s userinfoSource) Profile(ctx context.Context, userBase, auth0ID string) (Profile, error) {
	token, ok := tokenFrom(ctx)
	if !ok {
		return Profile{}, nil
	}
	url := s.url
	if url == "" {
		// The caller's own tenant: a token of tenant B is never sent to A.
		url = tenanturl.Endpoint([]string{userBase}, "userinfo")
	}
	client := s.client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Profile{}, fmt.Errorf("users: userinfo: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	res, err := client.Do(req)
	if err != nil {
		// The error names the URL, never the token (it travels in a header).
		return Profile{}, auth0gin.Unavailable("/userinfo cannot answer now", 0, fmt.Errorf("users: userinfo: %w", err))
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden {
		// The token is not one for /userinfo (no openid scope): there is
		// no profile to get with it, so the claims make the row.
		return Profile{}, nil
	}
	if err := statusError("userinfo", res); err != nil {
		return Profile{}, err
	}
	var body struct {
		Sub           string `json:"sub"`
		Email         string `json:"email"`
		EmailVerified bool   `json:"email_verified"`
		Name          string `json:"name"`
		Picture       string `json:"picture"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&body); err != nil {
		return Profile{}, fmt.Errorf("users: userinfo: malformed answer: %w", err)
	}
	if body.Sub != auth0ID {
		return Profile{}, fmt.Errorf("users: userinfo answered for another subject")
	}
	return Profile{Auth0ID: auth0ID, UserBase: userBase, Email: body.Email, EmailVerified: body.EmailVerified, Name: body.Name, Picture: body.Picture}, nil
}

// statusError classifies a non-200 answer: 429 and 5xx are outages (with
// the wait X-RateLimit-Reset or Retry-After gives), anything else is final.
func statusError(what string, res *http.Response) error {
	switch {
	case res.StatusCode == http.StatusOK:
		return nil
	case res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500:
		return auth0gin.Unavailable("/"+what+" cannot answer now", retryAfter(res.Header), fmt.Errorf("users: %s: status %d", what, res.StatusCode))
	default:
		return fmt.Errorf("users: %s: status %d", what, res.StatusCode)
	}
}

// retryAfter reads Retry-After (seconds) or X-RateLimit-Reset (epoch
// seconds); zero when neither says.
func retryAfter(h http.Header) time.Duration {
	if s, err := strconv.ParseInt(h.Get("Retry-After"), 10, 64); err == nil && s > 0 {
		return time.Duration(min(s, int64(maxRetryAfter/time.Second))) * time.Second // no overflow
	}
	if reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
		if d := time.Until(time.Unix(reset, 0)); d > 0 {
			return d
		}
	}
	return 0
}
