package management

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// Sentinel errors, matched with errors.Is against what the Client returns.
// Two meanings are the core's, shared by every package of the module:
// auth0gin.ErrUnavailable (the tenant answered 5xx, or could not be reached
// in time: worth retrying later) and auth0gin.ErrConfig (New refused the
// Config).
var (
	// ErrNotFound: the user (or other object) does not exist (404).
	ErrNotFound = errors.New("management: not found")
	// ErrConflict: the object already exists, e.g. a user with that email in
	// the connection (409).
	ErrConflict = errors.New("management: conflict")
	// ErrInsufficientScope: the machine token lacks the scope the endpoint
	// needs (403 insufficient_scope): authorize the application for it in the
	// dashboard.
	ErrInsufficientScope = errors.New("management: insufficient scope")
	// ErrUnauthorized: the credentials were refused: the token endpoint
	// refused the client (401/403), or the API refused a freshly fetched token.
	ErrUnauthorized = errors.New("management: unauthorized")
	// ErrRateLimited: a 429 that was not retried, because the retries were
	// used up, the reset lies beyond Config.MaxWait, or beyond the context's
	// deadline. The *Error's RetryAfter says when the limit resets.
	ErrRateLimited = errors.New("management: rate limited")
	// ErrMalformedResponse: the tenant's answer is not what Auth0 sends (not
	// JSON, the wrong shape, or larger than the client reads).
	ErrMalformedResponse = errors.New("management: malformed response")
	// ErrInvalidRequest matches a request the client refuses to send (a
	// missing connection, an empty id) and the API's 400 answers.
	ErrInvalidRequest = errors.New("management: invalid request")
)

// Error is an error answer of the Management API (or of the token endpoint
// when fetching the machine token), with Auth0's error body
// {statusCode, error, message, errorCode}. Use errors.As to read it and
// errors.Is with the sentinels (and auth0gin.ErrUnavailable for a 5xx) to
// classify it.
type Error struct {
	// Method and Path are the request's (the path without its query).
	Method, Path string
	// StatusCode is the HTTP status.
	StatusCode int
	// Title is Auth0's "error": the status text, e.g. "Not Found". For the
	// token endpoint it is the OAuth error code, e.g. "access_denied".
	Title string
	// Message is Auth0's human-readable "message", e.g. "The user does not
	// exist.".
	Message string
	// ErrorCode is Auth0's machine-readable "errorCode", e.g.
	// "inexistent_user" or "insufficient_scope"; it may be empty.
	ErrorCode string
	// RetryAfter, for a 429, is how long until X-RateLimit-Reset.
	RetryAfter time.Duration

	malformed  bool // the body was not Auth0's error JSON
	resetKnown bool // RetryAfter came from the answer's headers
}

// Error implements error.
func (e *Error) Error() string {
	s := fmt.Sprintf("management: %s %s: %d", e.Method, e.Path, e.StatusCode)
	if e.Title != "" {
		s += " " + e.Title
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.ErrorCode != "" {
		s += " (" + e.ErrorCode + ")"
	}
	if e.malformed {
		s += " (the body is not Auth0's error JSON)"
	}
	if e.StatusCode == http.StatusTooManyRequests && e.RetryAfter > 0 {
		s += fmt.Sprintf(" (the limit resets in %v)", e.RetryAfter.Round(time.Millisecond))
	}
	return s
}

// Is reports whether the error matches one of the sentinels.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrInvalidRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrInsufficientScope:
		return e.StatusCode == http.StatusForbidden && e.ErrorCode == "insufficient_scope"
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized ||
			(e.Path == tokenPath && e.StatusCode == http.StatusForbidden)
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case auth0gin.ErrUnavailable:
		return e.StatusCode >= 500
	case ErrMalformedResponse:
		return e.malformed
	}
	return false
}

// opError is a failure of one exchange that is not an answer of the API: a
// kind (auth0gin.ErrUnavailable, ErrMalformedResponse) and its cause.
type opError struct {
	method, path string
	kind, err    error
}

func (e *opError) Error() string {
	kind := e.kind.Error()
	if e.kind == auth0gin.ErrUnavailable {
		kind = "tenant unavailable"
	}
	s := "management: " + e.method + " " + e.path + ": " + strings.TrimPrefix(kind, "management: ")
	if e.err != nil {
		s += ": " + e.err.Error()
	}
	return s
}

func (e *opError) Unwrap() []error {
	if e.err == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.err}
}
