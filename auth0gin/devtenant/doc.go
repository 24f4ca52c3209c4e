// Package devtenant is an Auth0-compatible tenant that runs in your process or
// on your machine: OpenID discovery, a JWKS with current, next and previous
// keys, /authorize with a small login page, every /oauth/token grant Auth0
// offers to APIs (password, password-realm, client credentials, authorization
// code with PKCE, refresh token with rotation and reuse detection, device
// code), /userinfo, /oauth/revoke, /v2/logout, the device-flow activation page
// and the users part of the Management API v2.
//
// A Tenant is an http.Handler: mount it on an httptest.Server in tests (see
// package auth0gin/auth0test), or run it with Listen or the cmd/devtenant
// command. It answers with Auth0's status codes, error codes and error texts
// (see /work/shared/AUTH0_FACTS.md in the repository), so code that works
// against it works against a real tenant.
//
// Everything is held in memory and guarded by mutexes; only the signing keys
// can be persisted (Config.KeyFile) so tokens survive a restart.
//
// Nothing here is meant for production: passwords are compared in plain text
// and the tenant trusts whoever can reach it.
package devtenant
