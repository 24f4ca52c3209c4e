package login

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// Why a login or refresh failed, inside the *Error the handlers answer
// with; callers tell the failures apart by Error.Status and Error.Code.
var (
	// errBadRequest: the body or the Authorization header is malformed.
	errBadRequest = errors.New("login: bad request")
	// errWrongCredentials: the tenant refused the username or password.
	errWrongCredentials = errors.New("login: wrong email or password")
	// errBlocked: the tenant refused the user (blocked, or a rule denied).
	errBlocked = errors.New("login: user refused by the tenant")
	// errMFARequired: the user must pass multi-factor authentication, which
	// a password login cannot do.
	errMFARequired = errors.New("login: multi-factor authentication required")
	// errTooManyAttempts: the tenant's brute-force protection blocked this
	// user from this IP.
	errTooManyAttempts = errors.New("login: too many attempts")
	// errRateLimited: this server's login limiter (per address or username) said no.
	errRateLimited = errors.New("login: rate limited")
	// errCrossOrigin: with Config.Sessions, a login posted by a page of
	// another origin (login CSRF) was refused.
	errCrossOrigin = errors.New("login: cross-origin login refused")
	// errNoRefresh: the server holds no refresh token for the access token
	// (never logged in here, already refreshed, logged out, expired, revoked
	// at the tenant, or written with an encryption key no longer configured).
	// The client must log in again.
	errNoRefresh = errors.New("login: no refresh token held for this access token")
	// errMisconfigured: the tenant refused this server's client (wrong
	// secret, grant not enabled, unknown audience or connection).
	errMisconfigured = errors.New("login: the tenant refused this server's client")
)

// Error is what the handlers answer, and what PasswordLogin,
// RefreshAccessToken and LogoutToken return: the HTTP status, the body
// {error, error_description}, and Retry-After for 429 and 503. The codes:
//
//   - 400 invalid_request: a malformed body (or another refusal of the tenant's).
//   - 413 invalid_request: a login body over 8 KiB (JSON or form).
//   - 401 invalid_grant: at login, a wrong email or password. Login is no
//     bearer-protected resource: this 401 carries no WWW-Authenticate
//     challenge (invalid_grant is no RFC 6750 code).
//   - 401 invalid_token: at refresh, no refresh token is held for the access
//     token (never logged in here, already refreshed, logged out, revoked,
//     expired): log in again. The answer carries the RFC 6750 challenge
//     `Bearer realm=..., error="invalid_token"`, and the body the same code.
//   - 401 with no usable `Authorization: Bearer` (Refresh, Logout): answered
//     as the core's guards answer it (an *auth0gin.AuthError: no error code
//     in the challenge and "unauthorized" in the body when no bearer token
//     was sent; invalid_token in both for a malformed one).
//   - 403 mfa_required: the user needs multi-factor authentication, which a
//     password login cannot do.
//   - 403 access_denied, unauthorized (or the tenant's code): the tenant
//     refused the user; csrf_rejected: a cross-origin browser login with
//     Config.Sessions.
//   - 429 too_many_attempts (10 consecutive failures of one username from
//     one address, whether or not the account exists, or the tenant's
//     brute-force protection), too_many_requests (this server's limit per
//     address or per username).
//   - 502 server_error: the tenant refused this server's client (see the log).
//   - 503 temporarily_unavailable: the tenant or the store is down; Err
//     wraps auth0gin.ErrUnavailable.
//
// Its text never holds a token or a secret.
type Error struct {
	Status      int
	Code        string
	Description string
	// RetryAfter becomes the Retry-After header when not zero.
	RetryAfter time.Duration
	Err        error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s (%d %s): %v", e.Description, e.Status, e.Code, e.Err)
	}
	return fmt.Sprintf("%s (%d %s)", e.Description, e.Status, e.Code)
}

// Unwrap lets errors.Is find the cause, such as auth0gin.ErrUnavailable.
func (e *Error) Unwrap() error { return e.Err }

// loginError is the JSON body of every refusal (LoginError in the API docs).
type loginError struct {
	// An OAuth error code (invalid_grant, too_many_attempts, ...).
	Error string `json:"error" example:"invalid_grant"`
	// Why, as Auth0 says it.
	Description string `json:"error_description" example:"Wrong email or password."`
}

// defaultRetryAfter is sent with a 503 when nobody said when.
const defaultRetryAfter = 5 * time.Second

func newError(status int, code, desc string, sentinel error, cause error) *Error {
	err := sentinel
	if cause != nil {
		err = fmt.Errorf("%w: %w", sentinel, cause)
	}
	return &Error{Status: status, Code: code, Description: desc, Err: err}
}

func badRequest(desc string) *Error {
	return newError(http.StatusBadRequest, "invalid_request", desc, errBadRequest, nil)
}

// bodyTooLarge is the 413 for a login body over maxLoginBody, JSON or form.
func bodyTooLarge() *Error {
	return newError(http.StatusRequestEntityTooLarge, "invalid_request", "the body is too large (at most 8 KiB)", errBadRequest, nil)
}

func noRefresh(desc string, cause error) *Error {
	return newError(http.StatusUnauthorized, "invalid_token", desc, errNoRefresh, cause)
}

// unavailable is a 503 for an outage of the tenant or the store: the
// caller's credentials may be fine, and the row is kept for a retry.
func unavailable(desc string, retry time.Duration, cause error) *Error {
	if retry <= 0 {
		retry = defaultRetryAfter
	}
	err := auth0gin.ErrUnavailable
	if cause != nil {
		err = fmt.Errorf("%w: %w", auth0gin.ErrUnavailable, cause)
	}
	return &Error{Status: http.StatusServiceUnavailable, Code: "temporarily_unavailable", Description: desc, RetryAfter: retry, Err: err}
}

// loginRefusal maps the tenant's refusal of a password grant.
func loginRefusal(te *tenantError) *Error {
	switch {
	case te.unavailable():
		return unavailable("the login service is unavailable; try again later", te.retryAfter, te)
	case te.code == "invalid_grant":
		return newError(http.StatusUnauthorized, "invalid_grant", "Wrong email or password.", errWrongCredentials, te)
	case te.code == "mfa_required":
		return newError(http.StatusForbidden, "mfa_required",
			"This account requires multi-factor authentication, which password login does not support; log in through the browser instead.", errMFARequired, te)
	case te.code == "too_many_attempts":
		e := newError(http.StatusTooManyRequests, "too_many_attempts", describe(te, "Your account has been blocked after multiple consecutive login attempts."), errTooManyAttempts, te)
		e.RetryAfter = te.retryAfter
		return e
	case te.code == "invalid_client", te.code == "unauthorized_client", te.code == "unsupported_grant_type",
		te.code == "invalid_scope", te.code == "access_denied" && te.status == http.StatusForbidden && isServiceNotEnabled(te.description):
		return newError(http.StatusBadGateway, "server_error", "the login service is misconfigured", errMisconfigured, te)
	case te.code == "unauthorized", te.code == "access_denied", te.status == http.StatusUnauthorized, te.status == http.StatusForbidden:
		// A blocked user (401 unauthorized "user is blocked"), or a rule or
		// Action that denied the login: Auth0's words, passed through.
		return newError(http.StatusForbidden, orDefault(te.code, "access_denied"), describe(te, "The login was refused."), errBlocked, te)
	default:
		return newError(http.StatusBadRequest, orDefault(te.code, "invalid_request"), describe(te, "The login was refused."), errBadRequest, te)
	}
}

// refreshError maps the tenant's refusal of a refresh grant.
func refreshError(te *tenantError) *Error {
	switch {
	case te.unavailable():
		return unavailable("the login service is unavailable; try again later", te.retryAfter, te)
	case te.code == "invalid_grant":
		return noRefresh("The refresh token was revoked or has expired; log in again.", te)
	case te.code == "invalid_client", te.code == "unauthorized_client", te.code == "unsupported_grant_type":
		return newError(http.StatusBadGateway, "server_error", "the login service is misconfigured", errMisconfigured, te)
	case te.code == "mfa_required":
		return newError(http.StatusForbidden, "mfa_required", "This account requires multi-factor authentication; log in again through the browser.", errMFARequired, te)
	default:
		return newError(http.StatusForbidden, orDefault(te.code, "access_denied"), describe(te, "The refresh was refused."), errBlocked, te)
	}
}

func isServiceNotEnabled(desc string) bool {
	return len(desc) >= 24 && desc[:24] == "Service not enabled with"
}

// describe returns the tenant's description, bounded, or def.
func describe(te *tenantError, def string) string {
	d := te.description
	if d == "" {
		return def
	}
	if len(d) > 300 {
		d = d[:300]
	}
	return d
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// answerError writes err: an *Error as it says, an *auth0gin.AuthError (a bad
// Bearer token) with its challenge, anything else as a 503 (never a 500 that
// could leak what went wrong).
func (m *Manager) answerError(c *gin.Context, err error) {
	var ae *auth0gin.AuthError
	if errors.As(err, &ae) && !errors.As(err, new(*Error)) {
		c.Set(errorCodeKey, ae.Code)        // telemetry: the outcome
		ae.WriteResponse(c.Writer, m.realm) // its challenge, Retry-After and body, as the guards answer
		c.Abort()
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		e = unavailable("temporarily unavailable; try again later", 0, err)
	}
	c.Set(errorCodeKey, e.Code) // telemetry: the outcome
	if e.RetryAfter > 0 {
		c.Header("Retry-After", seconds(e.RetryAfter))
	}
	if e.Status == http.StatusUnauthorized && errors.Is(e, errNoRefresh) {
		// A refusal of the bearer token: its RFC 6750 challenge, with the
		// body mirroring it (invalid_token in both), as the guards answer.
		(&auth0gin.AuthError{Status: e.Status, Code: e.Code, Description: e.Description}).WriteResponse(c.Writer, m.realm)
		c.Abort()
		return
	}
	c.AbortWithStatusJSON(e.Status, loginError{Error: e.Code, Description: e.Description})
}

// seconds is a Retry-After value: whole seconds, rounded up, at least 1.
func seconds(d time.Duration) string {
	return strconv.FormatInt(max(int64((d+time.Second-1)/time.Second), 1), 10)
}
