// Package management is a small client for Auth0's Management API v2: the
// users endpoints, with a machine token that is fetched once, cached and
// shared, Auth0's errors as values, and rate limits honoured.
//
//	import "github.com/auth0gin/auth0gin/auth0gin/management"
//
//	mgmt, err := management.New(management.FromEnv()) // AUTH0_DOMAIN, AUTH0_M2M_CLIENT_ID, AUTH0_M2M_CLIENT_SECRET
//	if err != nil {
//		log.Fatal(err)
//	}
//	user, err := mgmt.GetUser(ctx, "auth0|64f0c0ffee")
//	if errors.Is(err, management.ErrNotFound) {
//		// no such user
//	}
//
// # The machine token
//
// The client gets its token from the tenant's /oauth/token with the client
// credentials grant (golang.org/x/oauth2/clientcredentials) for the audience
// https://TENANT/api/v2/. The token is cached until shortly before it expires
// (Config.TokenMargin), and concurrent callers that find no valid token wait
// for one fetch together. A 401 from the API (a revoked token, a rotated
// signing key) drops the token, fetches one new token and retries the call
// once; a second 401 is returned as ErrUnauthorized.
//
// # Errors
//
// An error answer is an *Error carrying Auth0's body {statusCode, error,
// message, errorCode}; errors.Is matches it against ErrNotFound (404),
// ErrConflict (409), ErrInsufficientScope (403 insufficient_scope),
// ErrUnauthorized, ErrRateLimited (429) and auth0gin.ErrUnavailable (5xx, or
// no answer in time). A Config New refuses is auth0gin.ErrConfig. An answer that is not what Auth0 sends is ErrMalformedResponse.
// Neither the client secret nor a token ever appears in an error or a log
// line.
//
// # Rate limits
//
// A 429 is retried after X-RateLimit-Reset, up to Config.MaxRetries times.
// When the reset lies beyond the context's deadline (or Config.MaxWait), the
// call fails at once with ErrRateLimited; the *Error's RetryAfter says when
// to try again. Every HTTP exchange is bounded by Config.Timeout.
package management
