// Package tenantprobe lets this module's own tests look inside a dev tenant
// (devtenant.Tenant) further than its public API goes: the state of a refresh
// token, a copy of the signing keys, lifting a brute-force block by hand.
// Package devtenant fills in the functions when it is initialised; every
// function takes the tenant as a *devtenant.Tenant, a *devtenant.Server or
// anything embedding one (such as *auth0test.Tenant).
package tenantprobe

// Reasons a refresh-token family was revoked, as RefreshToken.RevokedBy.
const (
	RevokedByReuse       = "reuse"        // reuse detection
	RevokedByRevocation  = "revocation"   // POST /oauth/revoke
	RevokedByUserDeleted = "user_deleted" // the user was deleted
)

// RefreshToken says what a tenant knows of a refresh token.
type RefreshToken struct {
	// Known is false for a token the tenant never issued (or has forgotten
	// after its family expired).
	Known bool
	// Current is true while the token can be exchanged.
	Current bool
	// Revoked is true when the token's family was revoked; RevokedBy says how.
	Revoked bool
	// RevokedBy is one of the RevokedBy* constants; empty while the family
	// is live.
	RevokedBy string
}

// Set by package devtenant in its init.
var (
	// RefreshTokenStatus reports the state of refresh token rt and of its
	// family, so a test holding a refresh token can check that reuse
	// detection or a logout revoked it.
	RefreshTokenStatus func(tenant any, rt string) RefreshToken
	// SaveKeys writes the tenant's current, next and previous keys to path
	// (JSON holding PEM, as Config.KeyFile), for a test that must sign with
	// the tenant's own private key.
	SaveKeys func(tenant any, path string) error
	// Unblock lifts every brute-force block of the user (by ID or email), as
	// DELETE /api/v2/user-blocks does, and returns how many it lifted.
	Unblock func(tenant any, user string) int
	// MFACode returns the one-time code of the user's (by ID or email)
	// latest MFA challenge on the login page, the code the tenant also
	// writes to its log; "" when no challenge waits.
	MFACode func(tenant any, user string) string
)
