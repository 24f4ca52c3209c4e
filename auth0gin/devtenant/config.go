package devtenant

import (
	"log/slog"
	"time"
)

// Config describes a dev tenant: its issuer, APIs (resource servers),
// applications (clients) and users. Start from Default and change what you
// need; New validates it and fills in the zero durations.
type Config struct {
	// Issuer is the tenant's base URL, e.g. "http://127.0.0.1:4000/". A trailing
	// slash is added when missing, as Auth0 always issues with one. Required by
	// New; Listen fills it from the bound address when empty.
	Issuer string
	// DefaultAudience is the tenant's "Default Audience" setting: the API used
	// when a request names none. Empty (Auth0's default) means such requests get
	// an opaque access token that only /userinfo accepts.
	DefaultAudience string
	// APIs are the tenant's APIs. The Management API ("<issuer>api/v2/", see
	// Tenant.ManagementAudience) is always present and need not be listed.
	APIs []API
	// Clients are the tenant's applications.
	Clients []Client
	// Users live in database connections; they can log in with the password
	// grants, the login page and the device flow.
	Users []User
	// ExtraClaims plays the role of an Auth0 Action adding custom claims to
	// access tokens, ID tokens and /userinfo: claim name → the user field it
	// copies. Sources: "email", "email_verified", "name", "nickname",
	// "user_id", "connection", "roles" (an array), "permissions" (the user's
	// permissions for the token's audience, an array), "app_metadata.KEY",
	// "user_metadata.KEY", or "=VALUE" for a literal string. A claim whose user
	// field is empty is left out. As on Auth0, restricted claim names (iss, sub,
	// scope, permissions, gty, ...) and namespaces on auth0.com, webtask.io and
	// webtask.run are silently dropped; namespaced URLs are recommended.
	ExtraClaims map[string]string

	// AccessTokenLifetime is the default access-token lifetime of an API that
	// sets none (default 24 h, Auth0's 86,400 s).
	AccessTokenLifetime time.Duration
	// IDTokenLifetime is the ID-token lifetime (default 10 h, as Auth0's).
	IDTokenLifetime time.Duration
	// RefreshTokenLifetime is the absolute lifetime of a refresh-token family;
	// rotation does not extend it (default 30 days).
	RefreshTokenLifetime time.Duration
	// RefreshReuseLeeway lets the immediately previous refresh token of a family
	// be exchanged again for this long after it was rotated (Auth0's "Reuse
	// Interval"). Zero: any reuse revokes the family.
	RefreshReuseLeeway time.Duration
	// DeviceCodeLifetime is how long a device code can be used (default 900 s).
	DeviceCodeLifetime time.Duration
	// DeviceInterval is the least time between two polls of a device code
	// (default 5 s); faster polling gets 429 slow_down.
	DeviceInterval time.Duration
	// AllowPlainPKCE accepts code_challenge_method "plain" (and a challenge
	// without a method, which RFC 7636 reads as plain). By default only S256
	// is accepted, and public clients must use it on the code flow.
	AllowPlainPKCE bool
	// Dialect chooses the access-token profile: "auth0" (the default, as
	// empty) issues tokens as Auth0 does by default, header typ "JWT" and the
	// client id in azp; "rfc9068" issues them as Auth0 does with the "RFC 9068"
	// token profile: header typ "at+jwt", the client id in client_id, and a
	// jti. New refuses any other value.
	Dialect string
	// RateLimit, when positive, enforces that many requests per second across
	// the tenant (429 too_many_requests beyond it). When zero the
	// X-RateLimit-* headers still count requests against a limit of 50 but
	// nothing is refused; use Tenant.FailNext to inject 429s.
	RateLimit int
	// BruteForceThreshold is how many consecutive failed logins for one user
	// from one IP block that pair, as Auth0's brute-force protection does
	// (default 10, as Auth0's; negative turns it off). A
	// blocked pair gets 429 too_many_attempts until a password change, an
	// unblock (DELETE /api/v2/user-blocks of the Management API), or
	// BruteForceBlockDuration.
	BruteForceThreshold int
	// BruteForceBlockDuration, when positive, lifts a brute-force block after
	// that long on the tenant's clock. Zero: only a password change or an
	// unblock lifts it (blocks live in memory, so a restart does too).
	BruteForceBlockDuration time.Duration
	// KeyFile, when set, persists the signing keys there (JSON holding PEM, mode
	// 0600): New loads them when the file exists and writes them otherwise, and
	// RotateKeys and RevokeKey write them again, so tokens survive a restart.
	KeyFile string
	// Organizations are the tenant's Auth0 Organizations, with their members
	// and each member's roles there. A login through one
	// (/authorize?organization=org_… or its name) is refused for a
	// non-member, and its tokens carry org_id (and org_name with
	// OrgNameInTokens).
	Organizations []Organization
	// OrgNameInTokens is Auth0's tenant setting "include the organization
	// name in tokens": tokens from a login through an organization carry
	// org_name (lowercase) beside org_id. Auth0's default is off; Default
	// turns it on.
	OrgNameInTokens bool
	// AuthTimeClaim, ACRClaim and AMRClaim name the claims that carry a
	// login's auth_time (seconds since the epoch), acr (a string) and amr (an
	// array of Auth0's method names, "pwd" and "mfa") in access tokens.
	// Auth0 puts auth_time, acr and amr in ID tokens only; an API that needs
	// them in access tokens adds them with an Action
	// (api.accessToken.setCustomClaim), and since Auth0 drops the plain names
	// (they are restricted claims), under namespaced names. These fields play
	// that Action; an empty name adds nothing. Default uses
	// "https://example.com/auth_time", "https://example.com/acr" and
	// "https://example.com/amr". The dev tenant also accepts the plain names,
	// which a real tenant would drop, to stand for an authorization server
	// that sets them itself.
	AuthTimeClaim, ACRClaim, AMRClaim string
	// DPoPNonce makes /oauth/token demand an authorization-server nonce in
	// DPoP proofs (RFC 9449 §8): a proof without the current one is answered
	// 400 use_dpop_nonce, and every answer to a request with a proof carries
	// the nonce to use in a DPoP-Nonce header. Off by default: a proof alone
	// binds the tokens.
	DPoPNonce bool

	// Now is the tenant's clock (default time.Now); tests can move it forward.
	Now func() time.Time
	// Logger receives request and lifecycle logs (default slog.Default()).
	// Tokens, codes, passwords and secrets are never logged, except the MFA
	// one-time codes of the login page's second step, which the log stands
	// in for the user's authenticator to show (Info, "devtenant: MFA
	// one-time code", with user and code).
	Logger *slog.Logger
}

// Access-token profiles, as Config.Dialect.
const (
	dialectAuth0   = "auth0"
	dialectRFC9068 = "rfc9068"
)

// API is an Auth0 API (resource server).
type API struct {
	// Identifier is the API's audience, e.g. "https://auth0gin.example/api".
	Identifier string `json:"identifier"`
	// Name is a display name.
	Name string `json:"name,omitempty"`
	// Scopes are the permissions the API defines.
	Scopes []Scope `json:"scopes,omitempty"`
	// RBAC enables role-based access control: a user's token gets only the
	// requested scopes the user has been granted as permissions.
	RBAC bool `json:"rbac,omitempty"`
	// AddPermissionsInToken adds the `permissions` array (with RBAC only).
	AddPermissionsInToken bool `json:"add_permissions_in_token,omitempty"`
	// AllowOfflineAccess lets clients get refresh tokens (scope offline_access).
	AllowOfflineAccess bool `json:"allow_offline_access,omitempty"`
	// TokenLifetime is the access-token lifetime (default: Config.AccessTokenLifetime).
	TokenLifetime time.Duration `json:"-"`
}

// Scope is a permission an API defines.
type Scope struct {
	// Name is the scope value, e.g. "read:messages".
	Name string `json:"name"`
	// Description is shown to people (and in Swagger UI).
	Description string `json:"description,omitempty"`
}

// Application types (Auth0's app_type), as Client.Type.
const (
	clientSPA     = "spa"
	clientRegular = "regular_web"
	clientM2M     = "non_interactive"
	clientNative  = "native"
)

// Grant types, as listed in a Client's GrantTypes and sent as grant_type.
// grantDeviceCode may also be written "device_code" in GrantTypes.
const (
	grantImplicit          = "implicit"
	grantAuthorizationCode = "authorization_code"
	grantRefreshToken      = "refresh_token"
	grantPassword          = "password"
	grantPasswordRealm     = "http://auth0.com/oauth/grant-type/password-realm"
	grantClientCredentials = "client_credentials"
	grantDeviceCode        = "urn:ietf:params:oauth:grant-type:device_code"
)

// Client is an Auth0 application.
type Client struct {
	// ID is the client_id.
	ID string `json:"client_id"`
	// Secret is the client secret. A client with a secret is confidential and
	// must authenticate (body or HTTP Basic); one without is public.
	Secret string `json:"client_secret,omitempty"`
	// Name is a display name.
	Name string `json:"name,omitempty"`
	// Type is the application type, Auth0's app_type: "spa" (the default),
	// "regular_web", "non_interactive" (machine to machine) or "native".
	Type string `json:"app_type,omitempty"`
	// Callbacks are the allowed redirect_uri values, matched exactly. For
	// loopback hosts only (localhost, 127.0.0.1, [::1]) the port may be "*",
	// e.g. "http://127.0.0.1:*/docs/oauth2-redirect.html", so a dev server on a
	// random port works; Auth0 itself would need every port listed.
	Callbacks []string `json:"callbacks,omitempty"`
	// LogoutURLs are the allowed returnTo values of /v2/logout (same matching
	// as Callbacks). On loopback hosts the origins of Callbacks are allowed too.
	LogoutURLs []string `json:"allowed_logout_urls,omitempty"`
	// Grants are the client grants of an M2M client: audience → scopes it may
	// get through client credentials. The audience may be written
	// "{issuer}api/v2/" for the tenant's Management API.
	Grants map[string][]string `json:"grants,omitempty"`
	// GrantTypes are the grant types the client may use: "implicit",
	// "authorization_code", "refresh_token", "password",
	// "http://auth0.com/oauth/grant-type/password-realm",
	// "client_credentials" and "urn:ietf:params:oauth:grant-type:device_code"
	// (or "device_code"). Empty: Auth0's defaults for the Type (implicit,
	// authorization_code and refresh_token; client_credentials alone for
	// non_interactive; plus client_credentials for regular_web, plus
	// device_code for native).
	GrantTypes []string `json:"grant_types,omitempty"`
	// TrustTokenEndpointIPHeader is Auth0's "Trust Token Endpoint IP Header"
	// setting: on /oauth/token the tenant takes the end user's IP from the
	// auth0-forwarded-for header, so brute-force protection counts a backend's
	// password logins per user IP rather than against the backend's IP. It is
	// honoured only for a confidential client (one with a Secret) that
	// authenticated with that secret.
	TrustTokenEndpointIPHeader bool `json:"token_endpoint_ip_header_trusted,omitempty"`
}

// User is a user of a database connection.
type User struct {
	// ID is the user_id and the `sub` of its tokens, e.g. "auth0|alice". New
	// derives a stable one from the connection and email when empty.
	ID string `json:"user_id,omitempty"`
	// Email is the login name; stored lower-case.
	Email string `json:"email"`
	// Password is compared in plain text (this is a dev tenant).
	Password string `json:"password,omitempty"`
	// Name is the full name.
	Name string `json:"name,omitempty"`
	// Connection is the database connection (default
	// "Username-Password-Authentication").
	Connection string `json:"connection,omitempty"`
	// Permissions are the user's RBAC permissions per API: audience → scopes,
	// e.g. {Audience: {"read:messages"}}. The audience may be written
	// "{issuer}api/v2/" for the Management API. With RBAC, a token's scope is the requested scopes
	// the user holds here, and its permissions claim is the whole list.
	Permissions map[string][]string `json:"permissions,omitempty"`
	// Roles are role names, exposed through ExtraClaims ("roles").
	Roles []string `json:"roles,omitempty"`
	// AppMetadata is the user's app_metadata.
	AppMetadata map[string]any `json:"app_metadata,omitempty"`
	// UserMetadata is the user's user_metadata.
	UserMetadata map[string]any `json:"user_metadata,omitempty"`
	// EmailVerified is the email_verified flag.
	EmailVerified bool `json:"email_verified,omitempty"`
	// Blocked is the Management API's blocked flag: the user cannot log in
	// (401 unauthorized "user is blocked").
	Blocked bool `json:"blocked,omitempty"`
	// MFAEnrolled: the user is enrolled in MFA and the tenant asks for it at
	// every login, as Auth0's "Always" MFA policy does. The login page then
	// asks, after the password, for a one-time code that the tenant writes
	// to its Logger (the user's phone, as it were); password grants answer
	// 403 mfa_required with an mfa_token, as Auth0 does (the tenant has no
	// MFA API: the token leads nowhere).
	//
	// Any user, enrolled or not, gets the same code step when a login asks
	// for MFA (acr_values, see doc.go); Auth0 would first have a user without
	// a factor enroll one.
	MFAEnrolled bool `json:"mfa_enrolled,omitempty"`
}

// Organization is an Auth0 Organization: a customer of a B2B app, whose
// members log in through it.
type Organization struct {
	// ID is the organization's id; Auth0's start with "org_", and New refuses
	// one that does not.
	ID string `json:"id"`
	// Name is the organization's name: lowercase letters, digits, "-" and
	// "_", unique in the tenant. /authorize accepts it in place of the ID.
	Name string `json:"name"`
	// DisplayName is shown on the login page.
	DisplayName string `json:"display_name,omitempty"`
	// Members are the organization's members, by user ID or email, each
	// with the names of the roles the member holds in this organization.
	// A login through the organization takes these roles in place of
	// User.Roles (so the "roles" source of ExtraClaims gives them), as an
	// Auth0 Action reading event.authorization.roles sees them.
	Members map[string][]string `json:"members,omitempty"`
}
