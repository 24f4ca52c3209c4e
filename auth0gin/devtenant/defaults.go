package devtenant

import "time"

// Names of the default tenant, so docs, tests and examples can refer to them.
const (
	// DefaultAddr is where cmd/devtenant listens by default.
	DefaultAddr = "127.0.0.1:4000"
	// DefaultAudience is the identifier of the default API.
	DefaultAudience = "https://auth0gin.example/api"
	// ScopeReadMessages and ScopeWriteMessages are the default API's scopes.
	ScopeReadMessages  = "read:messages"
	ScopeWriteMessages = "write:messages"
	// DefaultSPAClientID is the public SPA client used by Swagger UI.
	DefaultSPAClientID = "auth0gin-swagger-ui"
	// DefaultM2MClientID and DefaultM2MClientSecret are the machine-to-machine
	// client, granted ScopeReadMessages on DefaultAudience and the users
	// scopes of the Management API.
	DefaultM2MClientID     = "auth0gin-m2m"
	DefaultM2MClientSecret = "auth0gin-m2m-secret"
	// DefaultRegularClientID and DefaultRegularClientSecret are the
	// confidential "regular web" client a backend uses for password login:
	// grants password, refresh_token and client_credentials, the
	// TrustTokenEndpointIPHeader setting on, granted ScopeReadMessages on
	// DefaultAudience for client credentials.
	DefaultRegularClientID     = "auth0gin-regular-web"
	DefaultRegularClientSecret = "auth0gin-regular-web-secret"
	// DefaultConnection is the database connection users belong to by default.
	DefaultConnection = "Username-Password-Authentication"
	// ManagementAudience stands for the Management API's audience,
	// "<issuer>api/v2/", wherever an audience is configured; New substitutes
	// the issuer for "{issuer}".
	ManagementAudience = "{issuer}api/v2/"

	// Alice has both default scopes as permissions and the role "admin".
	AliceID       = "auth0|alice"
	AliceEmail    = "alice@example.com"
	AlicePassword = "alice-password"
	// Bob has no permissions.
	BobID       = "auth0|bob"
	BobEmail    = "bob@example.com"
	BobPassword = "bob-password"

	// EmailClaim and RolesClaim are the namespaced custom claims the default
	// tenant adds (the user's email and roles), as an Auth0 Action would.
	EmailClaim = "https://example.com/email"
	RolesClaim = "https://example.com/roles"
)

// Default lifetimes and limits, used by New for zero Config fields.
const (
	DefaultAccessTokenLifetime  = 24 * time.Hour
	DefaultIDTokenLifetime      = 10 * time.Hour
	DefaultRefreshTokenLifetime = 30 * 24 * time.Hour
	DefaultDeviceCodeLifetime   = 15 * time.Minute
	DefaultDeviceInterval       = 5 * time.Second
	// DefaultRateLimit is the per-second limit reported in X-RateLimit-Limit
	// when Config.RateLimit is zero (nothing is enforced then).
	DefaultRateLimit = 50
)

// Default returns the default tenant, with Issuer left empty:
//
//   - API DefaultAudience with scopes read:messages and write:messages, RBAC
//     with permissions in the token, offline access allowed;
//   - SPA client DefaultSPAClientID (public) with callbacks
//     http://127.0.0.1:*/docs/oauth2-redirect.html and
//     http://localhost:*/docs/oauth2-redirect.html and the grant types
//     implicit, authorization_code, refresh_token, password and device_code;
//   - M2M client DefaultM2MClientID / DefaultM2MClientSecret granted
//     read:messages on DefaultAudience and read:users, create:users,
//     update:users and delete:users on the Management API;
//   - confidential regular web client DefaultRegularClientID /
//     DefaultRegularClientSecret with the grant types password,
//     refresh_token and client_credentials (read:messages on
//     DefaultAudience) and TrustTokenEndpointIPHeader on; as every client
//     of the tenant, its refresh tokens rotate with reuse detection;
//   - users AliceEmail / AlicePassword (permissions read:messages and
//     write:messages, role "admin") and BobEmail / BobPassword (nothing);
//   - custom claims EmailClaim (the email) and RolesClaim (the roles).
func Default() Config {
	return Config{
		APIs: []API{{
			Identifier: DefaultAudience,
			Name:       "auth0gin example API",
			Scopes: []Scope{
				{Name: ScopeReadMessages, Description: "Read messages"},
				{Name: ScopeWriteMessages, Description: "Write messages"},
			},
			RBAC:                  true,
			AddPermissionsInToken: true,
			AllowOfflineAccess:    true,
		}},
		Clients: []Client{
			{
				ID:   DefaultSPAClientID,
				Name: "auth0gin Swagger UI",
				Type: ClientSPA,
				Callbacks: []string{
					"http://127.0.0.1:*/docs/oauth2-redirect.html",
					"http://localhost:*/docs/oauth2-redirect.html",
				},
				GrantTypes: []string{GrantImplicit, GrantAuthorizationCode, GrantRefreshToken, GrantPassword, GrantDeviceCode},
			},
			{
				ID:     DefaultM2MClientID,
				Secret: DefaultM2MClientSecret,
				Name:   "auth0gin M2M",
				Type:   ClientM2M,
				Grants: map[string][]string{
					DefaultAudience:    {ScopeReadMessages},
					ManagementAudience: {"read:users", "create:users", "update:users", "delete:users"},
				},
				GrantTypes: []string{GrantClientCredentials},
			},
			{
				ID:                         DefaultRegularClientID,
				Secret:                     DefaultRegularClientSecret,
				Name:                       "auth0gin backend (password login)",
				Type:                       ClientRegular,
				Grants:                     map[string][]string{DefaultAudience: {ScopeReadMessages}},
				GrantTypes:                 []string{GrantPassword, GrantRefreshToken, GrantClientCredentials},
				TrustTokenEndpointIPHeader: true,
			},
		},
		Users: []User{
			{
				ID: AliceID, Email: AliceEmail, Password: AlicePassword, Name: "Alice Example",
				Permissions:   map[string][]string{DefaultAudience: {ScopeReadMessages, ScopeWriteMessages}},
				Roles:         []string{"admin"},
				EmailVerified: true,
			},
			{
				ID: BobID, Email: BobEmail, Password: BobPassword, Name: "Bob Example",
				EmailVerified: true,
			},
		},
		ExtraClaims: map[string]string{
			EmailClaim: "email",
			RolesClaim: "roles",
		},
	}
}

// defaultGrantTypes are Auth0's grant types for a new application of each type.
func defaultGrantTypes(t ClientType) []string {
	switch t {
	case ClientM2M:
		return []string{GrantClientCredentials}
	case ClientRegular:
		return []string{GrantImplicit, GrantAuthorizationCode, GrantRefreshToken, GrantClientCredentials}
	case ClientNative:
		return []string{GrantImplicit, GrantAuthorizationCode, GrantRefreshToken, GrantDeviceCode}
	default:
		return []string{GrantImplicit, GrantAuthorizationCode, GrantRefreshToken}
	}
}
