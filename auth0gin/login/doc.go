// Package login is password login for an API whose browser clients must
// never hold a refresh token: the server logs the user in at Auth0 with the
// password grant, hands the browser the short-lived access token only, and
// keeps the refresh token encrypted in a shared store (package store:
// SQLite, Redis or PostgreSQL), found by the SHA-256 of the access token.
//
//	import "github.com/auth0gin/auth0gin/auth0gin/login"
//
// A Manager serves POST /auth/login and POST /auth/refresh, registered and
// documented in the API docs by Mount:
//
//	lg, err := login.New(auth, st, login.FromEnv()) // AUTH0_LOGIN_CLIENT_ID, ..._SECRET, AUTH0GIN_ENCRYPTION_KEYS
//	api := auth.Router(r)
//	lg.Mount(api)                      // {username, password} → {access_token, token_type, expires_in}; refresh
//	api.POST("/auth/logout", lg.Logout) // Authorization: Bearer <access token> → 204
//
// With package session, a login also starts a session, and the session's
// POST /auth/logout ends both:
//
//	cfg := login.FromEnv()
//	cfg.Sessions = sess     // each login sets the session cookie too
//	lg, err := login.New(auth, st, cfg)
//	sess.Mount(api, lg)     // POST /auth/logout: the cookie's session and the refresh token
//	lg.Mount(api)
//
// The handlers (Login, Refresh, Logout) stay usable one by one; LogoutToken,
// PasswordLogin and RefreshAccessToken are the same operations without HTTP.
//
// What it guarantees:
//
//   - The refresh token appears in no response, header, log line or error,
//     and is stored only as AES-256-GCM ciphertext bound to its row's key
//     (the access token's hash), under a key id, so keys rotate
//     (AUTH0GIN_ENCRYPTION_KEYS = "new:base64,old:base64").
//   - A refresh needs the access token's signature, issuer and audience to
//     verify; its expiry may be past (within Config.RefreshLifetime). The old
//     access token never refreshes again.
//   - Refreshes racing with one access token (two tabs, two instances on one
//     Redis or PostgreSQL) make exactly one call to the tenant and all get
//     the same new access token, so Auth0's refresh token rotation never sees
//     a reuse and never revokes the family.
//   - An outage of the tenant or the store answers 503 with Retry-After and
//     keeps the row, never 401.
//   - A refresh costs one tenant round trip and three store operations: the
//     lock's Add, the row's Get, and one SetMany that stores the refresh
//     token under the new access token and leaves the answer in the old row
//     for Config.GraceWindow, both or neither.
//
// The tenant needs a "Regular Web Application" with token endpoint
// authentication "Post", the Password and Refresh Token grants and "Trust
// Token Endpoint IP Header" on, and an API that allows offline access; see
// docs/password-login.md in the repository, which also covers
// configuration (FromEnv's variables) and Mount.
package login
