// Package devtenant is an Auth0-compatible tenant that runs in your process or
// on your machine: OpenID discovery, a JWKS with current, next and previous
// keys, /authorize with a small login page, every /oauth/token grant Auth0
// offers to APIs (password, password-realm, client credentials, authorization
// code with PKCE, refresh token with rotation and reuse detection, device
// code), /userinfo, /oauth/revoke, /v2/logout, the device-flow activation page
// and the users and organizations parts of the Management API v2.
//
//	import "github.com/auth0gin/auth0gin/auth0gin/devtenant"
//
// A Tenant is an http.Handler: mount it on an httptest.Server in tests (see
// package auth0gin/auth0test), or run it with Listen or the cmd/devtenant
// command. It serves its endpoints at the root of the handler; when the issuer
// has a path, mount it with http.StripPrefix.
//
// # Faithful to Auth0
//
// Status codes, error codes and error descriptions follow Auth0, as
// docs/auth0-compat.md in the repository describes it: issuer with a trailing slash; access
// tokens with alg RS256, kid, typ JWT (at+jwt with dialectRFC9068), sub
// "auth0|…" or "<client>@clients", aud a string or [api, "<issuer>userinfo"]
// with openid, azp (client_id and jti in RFC 9068), scope as the RBAC
// intersection, permissions, gty "password" / "client-credentials", custom
// claims under Auth0's restrictions; client grants and audiences enforced with
// Auth0's texts ("Service not enabled within domain: …", "Client has not been
// granted scopes: …"); refresh-token rotation whose reuse revokes the family,
// with an absolute lifetime and an optional reuse leeway; device-flow polling
// answers (authorization_pending, slow_down, expired_token once then
// invalid_grant, access_denied); Management API error bodies
// ({statusCode, error, message, errorCode}); X-RateLimit-* headers on every
// answer and an injectable 429 (FailNext); a key set holding the next key
// before it is used and the previous one until it is revoked; brute-force
// protection (10 consecutive failures for one user from one IP block the
// pair with 429 too_many_attempts until a password change, an unblock through
// /api/v2/user-blocks, or Config.BruteForceBlockDuration), with
// the auth0-forwarded-for header honoured for a confidential client with
// Client.TrustTokenEndpointIPHeader; blocked users (401 "user is blocked")
// and mfa_required for User.MFAEnrolled.
//
// # Step-up and organizations
//
// /authorize takes acr_values, max_age, prompt=login and organization. The
// tenant keeps a login session per browser (a cookie), so a second
// /authorize is answered without the login page unless prompt=login, or
// max_age is older than the session's last authentication (0: always), asks
// for it. acr_values naming MFA (Auth0's
// http://schemas.openid.net/pape/policies/2007/06/multi-factor, its
// -physical variant, or "mfa") make the login page ask, after the password,
// for a one-time code the tenant writes to its Logger ("devtenant: MFA
// one-time code"), as the step-up Action of Auth0's docs does; a session that
// is recent enough only adds the code, and remembers it. A User.MFAEnrolled
// user gets that step at every login. Five wrong codes end the login.
//
// ID tokens carry auth_time (the last active authentication), amr ["mfa"]
// after MFA, and acr when acr_values were asked (the MFA value asked, or
// .../pape/policies/2007/06/none), as Auth0's; access tokens carry them only
// under the names Config.AuthTimeClaim, ACRClaim and AMRClaim give (amr
// then lists Auth0's method names, "pwd" and "mfa"), as an Action would add
// them. Refresh grants keep the login's auth_time, amr, acr and
// organization; their ID tokens leave amr and acr out, as Auth0's do.
//
// # DPoP
//
// A DPoP proof (RFC 9449) on /oauth/token, any grant, binds the tokens to
// the proof's key: token_type "DPoP" and cnf.jkt in the access token (an
// opaque token is bound too, for /userinfo), and a public client's refresh
// token bound to the same key (a refresh without a proof is answered 400
// invalid_dpop_proof, with another key's 403 invalid_grant). The proof's
// htu must be the tenant's own token URL; an invalid, doubled or replayed
// proof is answered 400 invalid_dpop_proof. Config.DPoPNonce makes the tenant
// demand its nonce (400 use_dpop_nonce with DPoP-Nonce). /userinfo takes a
// bound token only as Authorization: DPoP with a proof of its key.
//
// Each proof's jti is remembered, per key, until the proof expires, in a
// cache of 50,000 proofs of which one key may hold a tenth. A live jti is
// never forgotten to make room: when the cache, or the key's share, is
// full, a new proof is answered 503 temporarily_unavailable with a
// Retry-After (the seconds until entries next expire), as a server out of
// capacity would; Auth0 documents no such limit.
//
// Config.Organizations are Auth0 Organizations: a login through one
// (organization=org_… or its name) is refused for a non-member with
// access_denied, and its tokens carry org_id, org_name with
// Config.OrgNameInTokens, and the member's roles there in place of
// User.Roles. The Management API lists them (GET /api/v2/organizations,
// /organizations/{id}, /organizations/name/{name}, /organizations/{id}/members
// and /members/{user_id}/roles, with read:organizations,
// read:organization_members and read:organization_member_roles).
//
// # Defences
//
// The tenant may be reachable by others (shared dev machines,
// -allow-public), so it defends itself: PKCE with S256 is required for public
// clients on the code flow (plain only with Config.AllowPlainPKCE, and a
// verifier for a code issued without a challenge is refused); the login and
// activation forms are bound to the browser that opened them by a cookie and
// refuse cross-origin posts; device activation ends on a confirmation page
// naming the client and scopes, and wrong user codes are limited (5 per
// activation, 100 per 10 minutes for the tenant).
//
// # For tests
//
// Default is the built-in tenant (the API Audience, the users Alice and Bob,
// the applications SPAClient, M2MClient and RegularClient, the claims
// EmailClaim and RolesClaim); cmd/devtenant prints the environment an app
// needs to trust it. Stats tells what the tenant answered: how many grants of
// each type, and how many refresh-token families were revoked by reuse
// detection or through /oauth/revoke. FailNext injects 429s; RotateKeys,
// Keys and RevokeKey drive a key rotation. To drive the device
// activation as a browser would, keep the cookies: GET the
// verification_uri_complete, POST its form (state, user_code, and username
// and password unless logged in), then POST the confirmation page's form
// (state, action=confirm or deny).
//
// # Simplified
//
// Only database connections (no social or enterprise logins, no MFA API or
// MFA enrollment screens (every user can take the code step), no
// Organization invitations, membership changes or per-client
// organization_usage, no consent screens for browser logins, and no Actions
// beyond Config.ExtraClaims and the step-up claim names); the password grant
// takes no organization; no DPoP binding of authorization codes (dpop_jkt);
// opaque access tokens are random strings rather than JWEs; browser flows use
// the API's token lifetime (Auth0 caps implicit tokens at 7,200 s); the user
// search understands field:value terms joined by AND, not all of Lucene;
// RateLimit is one per-second bucket for the whole tenant; passwords are
// stored and compared in plain text; the callback port wildcard on loopback
// hosts is a dev convenience Auth0 does not have. Everything lives in memory
// except the signing keys (Config.KeyFile).
//
// Nothing here is meant for production: the tenant trusts whoever reaches it,
// which is why cmd/devtenant listens on loopback only by default.
package devtenant
