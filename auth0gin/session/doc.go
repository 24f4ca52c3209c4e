// Package session trades an Auth0 access token for a server-side session
// whose secret lives in an HttpOnly cookie, for single-page apps that would
// rather not hold tokens in JavaScript.
//
//	import "github.com/auth0gin/auth0gin/auth0gin/session"
//
// The SPA logs in with Auth0 (PKCE), sends its access token once to Login,
// and from then on calls the API with the cookie alone. Attached to the
// Auth0 as a credential source (auth.Attach(sess)), the Manager makes the
// guards (RequireScopes, Require,
// RequireClaims, Middleware) accept the cookie with the same 401 and 403
// answers as a token, and UserFrom returns the same user: the one the token
// described at login. A request that carries both is judged by its bearer
// token.
//
//	st, err := store.Open(ctx, cfg.StoreURL) // cfg := session.FromEnv(): SESSION_STORE_URL, ...
//	sess, err := session.New(ctx, auth, st, cfg)
//	auth.Attach(sess)          // the guards accept the cookie
//	api := auth.Router(r)
//	sess.Mount(api)            // POST /auth/session, /auth/ping, /auth/logout, in the API docs
//	api.GET("/api/private", auth.RequireScopes(), private) // token or cookie
//
// Mount registers and documents the routes (see Manager.Mount); an app that
// mounts them itself uses the handlers:
//
//	r.POST("/auth/session", sess.Login) // Authorization: Bearer <token> → Set-Cookie
//	r.POST("/auth/ping", sess.Ping)     // keep-alive, 204
//	r.POST("/auth/logout", sess.Logout) // 204, clears the cookie
//
// Password login (package login) starts sessions through the Manager when
// login.Config.Sessions is set to it, and sess.Mount(api, lg) makes
// POST /auth/logout end the refresh token login holds too (see Ender).
//
// # Storage
//
// Sessions live in a store.Store shared by every instance (SQLite, Redis or
// PostgreSQL; Config.StoreURL names it). The store keeps the SHA-256 of each
// session's 256-bit secret, never the secret, so a leaked database opens no
// session. A session's record never changes after login; its last activity
// is a second key, written at most once per Config.TouchInterval, so that a
// logout racing with a request can never bring the session back. Each
// instance keeps the sessions it serves in a bounded local cache for
// Config.LocalCacheTTL; a logout is published on the store's channel and
// empties every instance's cache at once. When the store cannot answer,
// requests that need it get 503 with Retry-After, never 401: an outage logs
// nobody out.
//
// A login costs one token verification, one store read (the user's epoch)
// and one store write (the record). "Log out everywhere" (LogoutUser,
// LogoutEverywhere) writes a new random epoch for the user and publishes it;
// a record made under an older epoch is refused when read. The price is one
// more store read, made alongside the activity read, when a session is
// read from the store (its first request on an instance, and once per
// LocalCacheTTL after).
//
// # Lifetimes
//
// A session ends after Config.IdleTimeout without a request, and
// Config.MaxLifetime after login however active. The permissions are those
// of the token at login; Config.CapAtTokenExpiry also ends the session at the
// token's exp. A session past either lifetime is refused even while the
// store still holds it.
//
// # CSRF, CORS and the SPA side
//
// A cookie is ambient: the browser attaches it to a form any site submits.
// Every unsafe request (POST, PUT, PATCH, DELETE) that the cookie
// authenticates is therefore checked with net/http.CrossOriginProtection:
// a browser request from an origin other than the app's own, its
// public origin (auth0gin.Config.PublicOrigin) or one of Config.TrustedOrigins is refused with 403
// {"error":"csrf_rejected"}. Requests with neither Sec-Fetch-Site nor Origin
// (curl, CLIs, servers) pass; bearer requests are never checked. The cookie is
// SameSite=Lax as a second line.
//
// A sibling site (another subdomain, another port of the host) may set a
// cookie of the session's name that the browser then sends with the app's
// own (cookie tossing). Served over https, the cookie is named
// "__Host-auth0gin_session": browsers accept a __Host- cookie only from
// this very host, Secure, host-only and Path=/ (see Config.CookieName). And
// a request whose session cookies open sessions of different users is
// refused (401 invalid_token), never answered as either of them.
//
// An SPA on another origin (a Vite dev server on :5173, app.example.com)
// calls the API with fetch(url, {credentials: "include"}); the API must
// answer CORS with that exact origin (never "*") and
// Access-Control-Allow-Credentials. Manager.CORS does so for
// Config.TrustedOrigins, the list the CSRF check trusts, so the two never
// disagree; install it on the engine before the routes:
//
//	r.Use(sess.CORS())
//
// The SPA then logs in once:
//
//	await fetch(api + "/auth/session", {method: "POST", credentials: "include",
//		headers: {Authorization: "Bearer " + accessToken}});
//
// and calls the API with credentials: "include" and no token. The cookie is
// a first-party cookie only when the SPA and the API share a site
// (app.example.com and api.example.com, or two ports of localhost): browsers
// block third-party cookies, so serve both under one registrable domain.
//
// # Command-line tools and opaque tokens
//
// Manager.Device logs in a CLI with the device flow (RFC 8628): see Device;
// its approved poll is the one answer that carries a session secret in its
// body. Config.OpaqueTokens (off by default; see OpaqueConfig) lets Login accept
// tokens only /userinfo can check, for sessions without permissions.
package session
