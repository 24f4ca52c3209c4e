package devtenant

import (
	"encoding/json"
	"net/http"

	"github.com/auth0gin/auth0gin/internal/dpop"
)

// handleDiscovery is GET /.well-known/openid-configuration, shaped as Auth0's.
func (t *Tenant) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	is := t.issuer
	pkce := []string{"S256"}
	if t.cfg.AllowPlainPKCE {
		pkce = append(pkce, "plain")
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                is,
		"authorization_endpoint":                is + "authorize",
		"token_endpoint":                        is + "oauth/token",
		"device_authorization_endpoint":         is + "oauth/device/code",
		"userinfo_endpoint":                     is + "userinfo",
		"jwks_uri":                              is + ".well-known/jwks.json",
		"revocation_endpoint":                   is + "oauth/revoke",
		"scopes_supported":                      []string{"openid", "profile", "offline_access", "name", "given_name", "family_name", "nickname", "email", "email_verified", "picture", "created_at", "identities", "phone", "address"},
		"response_types_supported":              []string{"code", "token", "id_token", "code token", "code id_token", "token id_token", "code token id_token"},
		"code_challenge_methods_supported":      pkce,
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"},
		"grant_types_supported":                 []string{grantAuthorizationCode, grantImplicit, grantRefreshToken, grantClientCredentials, grantPassword, grantPasswordRealm, grantDeviceCode},
		"claims_supported":                      []string{"aud", "auth_time", "created_at", "email", "email_verified", "exp", "family_name", "given_name", "iat", "identities", "iss", "name", "nickname", "phone_number", "picture", "sub"},
		"dpop_signing_alg_values_supported":     dpop.DefaultAlgs,
		"request_uri_parameter_supported":       false,
		"request_parameter_supported":           false,
	})
}

// handleJWKS is GET /.well-known/jwks.json: current, next and previous keys.
func (t *Tenant) handleJWKS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=15, stale-while-revalidate=15, stale-if-error=86400")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(t.jwks())
}
