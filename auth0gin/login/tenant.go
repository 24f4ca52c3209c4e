package login

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Grant types this package uses at the tenant's token endpoint.
const (
	// grantPasswordRealm is Auth0's password grant with a connection (realm).
	grantPasswordRealm = "http://auth0.com/oauth/grant-type/password-realm"
	// grantRefreshToken exchanges a refresh token.
	grantRefreshToken = "refresh_token"
)

// headerForwardedFor carries the end user's IP to the token endpoint, so that
// Auth0's brute-force protection counts failures per user and IP rather than
// against the server's IP. The client needs "Trust Token Endpoint IP Header".
const headerForwardedFor = "auth0-forwarded-for"

// maxTenantBody bounds what is read of a token endpoint answer.
const maxTenantBody = 64 << 10

// tokenReply is the token endpoint's success body. It is never logged or
// returned as it is: RefreshToken stays on the server.
type tokenReply struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	TokenType    string `json:"token_type"`
}

// tenantError is a refusal or a failure of the tenant. Its text holds the
// tenant's error code and description only, never what was sent.
type tenantError struct {
	status      int    // the tenant's HTTP status; 0 when it could not be reached
	code        string // OAuth error code
	description string
	retryAfter  time.Duration // when the tenant said when
	cause       error         // transport failure
}

func (e *tenantError) Error() string {
	if e.status == 0 {
		return fmt.Sprintf("login: tenant unreachable: %v", e.cause)
	}
	return fmt.Sprintf("login: tenant answered %d %s: %s", e.status, e.code, e.description)
}

func (e *tenantError) Unwrap() error { return e.cause }

// unavailable reports an outage: unreachable, a 5xx, or the tenant's own
// rate limit on this client (too_many_requests), which says nothing about
// the user's credentials.
func (e *tenantError) unavailable() bool {
	return e.status == 0 || e.status >= 500 || e.code == "too_many_requests" ||
		(e.status == http.StatusTooManyRequests && e.code != "too_many_attempts")
}

// post sends form to the tenant endpoint and decodes a JSON success into out
// (when out is not nil). forwardedFor, when set, goes in auth0-forwarded-for.
func (m *Manager) post(ctx context.Context, endpoint string, form url.Values, forwardedFor string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.TenantTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return &tenantError{cause: errors.New("bad token endpoint URL")}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if forwardedFor != "" {
		req.Header.Set(headerForwardedFor, forwardedFor)
	}
	res, err := m.cfg.HTTPClient.Do(req)
	if err != nil {
		// *url.Error names the URL, which holds no secret (the form is the body).
		return &tenantError{cause: err}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxTenantBody+1))
	if err != nil {
		return &tenantError{cause: fmt.Errorf("reading the answer: %w", err)}
	}
	if len(body) > maxTenantBody {
		return &tenantError{status: http.StatusBadGateway, code: "server_error", description: "answer too large"}
	}
	if res.StatusCode/100 != 2 {
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		_ = json.Unmarshal(body, &e) // a 5xx page may not be JSON
		return &tenantError{status: res.StatusCode, code: e.Error, description: e.Description, retryAfter: retryAfter(res.Header, time.Now())}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &tenantError{status: http.StatusBadGateway, code: "server_error", description: "the token endpoint's answer is not JSON"}
	}
	return nil
}

// retryAfter reads Retry-After (seconds or an HTTP date), else an Auth0
// rate limit's X-RateLimit-Reset (epoch seconds); zero when neither says.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := h.Get("Retry-After"); v != "" {
		if s, err := strconv.ParseInt(v, 10, 64); err == nil && s >= 0 {
			return min(time.Duration(s)*time.Second, time.Hour)
		}
		if t, err := http.ParseTime(v); err == nil && t.After(now) {
			return min(t.Sub(now), time.Hour)
		}
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		if s, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			if d := time.Unix(s, 0).Sub(now); d > 0 {
				return min(d, time.Hour)
			}
		}
	}
	return 0
}

// passwordGrant logs a user in at the tenant.
func (m *Manager) passwordGrant(ctx context.Context, username, password, userIP string) (tokenReply, error) {
	form := url.Values{
		"grant_type":    {grantPasswordRealm},
		"client_id":     {m.cfg.ClientID},
		"client_secret": {m.cfg.ClientSecret},
		"username":      {username},
		"password":      {password},
		"realm":         {m.cfg.Connection},
		"audience":      {m.cfg.Audience},
		"scope":         {m.cfg.Scope},
	}
	var r tokenReply
	err := m.post(ctx, m.cfg.TokenURL, form, userIP, &r)
	return r, err
}

// refreshGrant exchanges a refresh token at the tenant.
func (m *Manager) refreshGrant(ctx context.Context, refreshToken string) (tokenReply, error) {
	form := url.Values{
		"grant_type":    {grantRefreshToken},
		"client_id":     {m.cfg.ClientID},
		"client_secret": {m.cfg.ClientSecret},
		"refresh_token": {refreshToken},
	}
	var r tokenReply
	err := m.post(ctx, m.cfg.TokenURL, form, "", &r)
	return r, err
}

// revoke revokes a refresh token (and at Auth0 its whole family).
func (m *Manager) revoke(ctx context.Context, refreshToken string) error {
	form := url.Values{
		"client_id":     {m.cfg.ClientID},
		"client_secret": {m.cfg.ClientSecret},
		"token":         {refreshToken},
	}
	return m.post(ctx, m.cfg.RevokeURL, form, "", nil)
}
