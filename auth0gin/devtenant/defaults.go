package devtenant

import "time"

// The built-in tenant's API and custom claims, for the configuration of an
// app that trusts it (AUTH0_API_AUDIENCE, AUTH0_EMAIL_CLAIM and
// AUTH0_ROLES_CLAIM).
const (
	// Audience is the identifier of the built-in tenant's API, which defines
	// the scopes "read:messages" and "write:messages".
	Audience = "https://auth0gin.example/api"
	// EmailClaim and RolesClaim are the namespaced custom claims the built-in
	// tenant adds to its tokens (the user's email and roles), as an Auth0
	// Action would.
	EmailClaim = "https://example.com/email"
	RolesClaim = "https://example.com/roles"
)

// The built-in tenant's users and applications, as Default lists them, so
// tests and examples can log in and authenticate as them
// (devtenant.Alice.Email, devtenant.M2MClient.Secret). Their credentials are
// public: never use them outside development. Treat them as read-only.
var (
	// Alice (auth0|alice, alice@example.com, password "alice-password") holds
	// the permissions read:messages and write:messages on Audience and the
	// role "admin".
	Alice = User{
		ID: "auth0|alice", Email: "alice@example.com", Password: "alice-password", Name: "Alice Example",
		Connection:    defaultConnection,
		Permissions:   map[string][]string{Audience: {scopeReadMessages, scopeWriteMessages}},
		Roles:         []string{"admin"},
		EmailVerified: true,
	}
	// Bob (auth0|bob, bob@example.com, password "bob-password") holds no
	// permission.
	Bob = User{
		ID: "auth0|bob", Email: "bob@example.com", Password: "bob-password", Name: "Bob Example",
		Connection:    defaultConnection,
		EmailVerified: true,
	}
	// SPAClient ("auth0gin-swagger-ui") is the public single-page application
	// Swagger UI logs in with (AUTH0_CLIENT_ID): callbacks
	// http://127.0.0.1:*/docs/oauth2-redirect.html and
	// http://localhost:*/docs/oauth2-redirect.html, grant types implicit,
	// authorization_code, refresh_token, password and device_code.
	SPAClient = Client{
		ID:   "auth0gin-swagger-ui",
		Name: "auth0gin Swagger UI",
		Type: clientSPA,
		Callbacks: []string{
			"http://127.0.0.1:*/docs/oauth2-redirect.html",
			"http://localhost:*/docs/oauth2-redirect.html",
		},
		GrantTypes: []string{grantImplicit, grantAuthorizationCode, grantRefreshToken, grantPassword, grantDeviceCode},
	}
	// M2MClient ("auth0gin-m2m", secret "auth0gin-m2m-secret") is the
	// machine-to-machine application (AUTH0_M2M_CLIENT_ID): client
	// credentials only, granted read:messages on Audience and read:users,
	// create:users, update:users, delete:users, read:organizations,
	// read:organization_members and read:organization_member_roles on the
	// Management API.
	M2MClient = Client{
		ID:     "auth0gin-m2m",
		Secret: "auth0gin-m2m-secret",
		Name:   "auth0gin M2M",
		Type:   clientM2M,
		Grants: map[string][]string{
			Audience: {scopeReadMessages},
			managementAudience: {scopeReadUsers, scopeCreateUsers, scopeUpdateUsers, scopeDeleteUsers,
				scopeReadOrganizations, scopeReadOrgMembers, scopeReadOrgMemberRoles},
		},
		GrantTypes: []string{grantClientCredentials},
	}
	// RegularClient ("auth0gin-regular-web", secret
	// "auth0gin-regular-web-secret") is the confidential regular web
	// application a backend uses for password login (AUTH0_LOGIN_CLIENT_ID):
	// grant types password, refresh_token and client_credentials
	// (read:messages on Audience), TrustTokenEndpointIPHeader on.
	RegularClient = Client{
		ID:                         "auth0gin-regular-web",
		Secret:                     "auth0gin-regular-web-secret",
		Name:                       "auth0gin backend (password login)",
		Type:                       clientRegular,
		Grants:                     map[string][]string{Audience: {scopeReadMessages}},
		GrantTypes:                 []string{grantPassword, grantRefreshToken, grantClientCredentials},
		TrustTokenEndpointIPHeader: true,
	}
)

const (
	// defaultConnection is the database connection users belong to by default.
	defaultConnection = "Username-Password-Authentication"
	// managementAudience stands for the Management API's audience,
	// "<issuer>api/v2/", wherever an audience is configured; New substitutes
	// the issuer for "{issuer}".
	managementAudience = "{issuer}api/v2/"

	scopeReadMessages  = "read:messages"
	scopeWriteMessages = "write:messages"
)

// Default lifetimes and limits, used by New for zero Config fields.
const (
	defaultAccessTokenLifetime  = 24 * time.Hour
	defaultIDTokenLifetime      = 10 * time.Hour
	defaultRefreshTokenLifetime = 30 * 24 * time.Hour
	defaultDeviceCodeLifetime   = 15 * time.Minute
	defaultDeviceInterval       = 5 * time.Second
	// defaultRateLimit is the per-second limit reported in X-RateLimit-Limit
	// when Config.RateLimit is zero (nothing is enforced then).
	defaultRateLimit = 50
)

// Default returns the built-in tenant, with Issuer left empty (Listen and
// auth0test.NewTenant fill it in; cmd/devtenant listens on 127.0.0.1:4000):
//
//   - the API Audience ("https://auth0gin.example/api") with the scopes
//     read:messages and write:messages, RBAC with permissions in the token,
//     offline access allowed;
//   - the applications SPAClient, M2MClient and RegularClient; as every
//     client of the tenant, their refresh tokens rotate with reuse detection;
//   - the users Alice and Bob, in the connection
//     "Username-Password-Authentication";
//   - the custom claims EmailClaim (the email) and RolesClaim (the roles);
//   - the organizations "acme" (ID "org_acme", display name "Acme
//     Corporation": Alice, role "admin") and "globex" (ID "org_globex",
//     "Globex Corporation": Bob, role "member"), with OrgNameInTokens on;
//   - the step-up claims of access tokens (see Config.AuthTimeClaim)
//     "https://example.com/auth_time", "https://example.com/acr" and
//     "https://example.com/amr".
//
// No built-in user is MFAEnrolled (Alice's and Bob's password grants would
// answer mfa_required); both can step up to MFA when a login asks for it,
// with the one-time code the tenant logs.
//
// Each call returns a fresh copy: change it as you need.
func Default() Config {
	return Config{
		APIs: []API{{
			Identifier: Audience,
			Name:       "auth0gin example API",
			Scopes: []Scope{
				{Name: scopeReadMessages, Description: "Read messages"},
				{Name: scopeWriteMessages, Description: "Write messages"},
			},
			RBAC:                  true,
			AddPermissionsInToken: true,
			AllowOfflineAccess:    true,
		}},
		Clients: []Client{cloneClient(SPAClient), cloneClient(M2MClient), cloneClient(RegularClient)},
		Users:   []User{cloneUser(Alice), cloneUser(Bob)},
		ExtraClaims: map[string]string{
			EmailClaim: "email",
			RolesClaim: "roles",
		},
		Organizations: []Organization{
			{ID: "org_acme", Name: "acme", DisplayName: "Acme Corporation", Members: map[string][]string{Alice.ID: {"admin"}}},
			{ID: "org_globex", Name: "globex", DisplayName: "Globex Corporation", Members: map[string][]string{Bob.ID: {"member"}}},
		},
		OrgNameInTokens: true,
		AuthTimeClaim:   "https://example.com/auth_time",
		ACRClaim:        "https://example.com/acr",
		AMRClaim:        "https://example.com/amr",
	}
}

// defaultGrantTypes are Auth0's grant types for a new application of each type.
func defaultGrantTypes(t string) []string {
	switch t {
	case clientM2M:
		return []string{grantClientCredentials}
	case clientRegular:
		return []string{grantImplicit, grantAuthorizationCode, grantRefreshToken, grantClientCredentials}
	case clientNative:
		return []string{grantImplicit, grantAuthorizationCode, grantRefreshToken, grantDeviceCode}
	default:
		return []string{grantImplicit, grantAuthorizationCode, grantRefreshToken}
	}
}
