package devtenant

import (
	"fmt"
	"net/url"
	"strings"
)

// restrictedClaims cannot be set by Actions; Auth0 drops them silently.
var restrictedClaims = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(`acr act active amr at_hash ath attest aud auth_time
		authorization_details azp c_hash client_id cnf cty dest entitlements events exp
		groups gty htm htu iat internalService iss jcard jku jti jwe jwk kid may_act mky
		nbf nonce object_id org_id org_name orig origid permissions roles rph s_hash
		scope sid sip_callid sip_cseq_num sip_date sip_from_tag sip_via_branch sub
		sub_jwk toe txn typ uuid vot vtm x5t#S256`) {
		m[c] = true
	}
	return m
}()

// allowedCustomClaim applies Auth0's rules for custom claims.
func allowedCustomClaim(name string) bool {
	if name == "" || restrictedClaims[name] {
		return false
	}
	if u, err := url.Parse(name); err == nil && u.Host != "" {
		h := strings.ToLower(u.Hostname())
		for _, d := range []string{"auth0.com", "webtask.io", "webtask.run"} {
			if h == d || strings.HasSuffix(h, "."+d) {
				return false
			}
		}
	}
	return true
}

// extraClaim is one Config.ExtraClaims entry.
type extraClaim struct {
	name, source string
}

func parseExtraClaims(m map[string]string) ([]extraClaim, error) {
	var out []extraClaim
	for name, src := range m {
		switch {
		case strings.HasPrefix(src, "="),
			strings.HasPrefix(src, "app_metadata.") && len(src) > len("app_metadata."),
			strings.HasPrefix(src, "user_metadata.") && len(src) > len("user_metadata."):
		default:
			switch src {
			case "email", "email_verified", "name", "nickname", "user_id", "connection", "roles", "permissions":
			default:
				return nil, fmt.Errorf("devtenant: extra claim %q: unknown source %q", name, src)
			}
		}
		if allowedCustomClaim(name) {
			out = append(out, extraClaim{name: name, source: src})
		}
	}
	return out, nil
}

// value is the claim's value for u in a token for audience aud.
func (c extraClaim) value(u User, aud string) (any, bool) {
	switch src := c.source; {
	case strings.HasPrefix(src, "="):
		return src[1:], true
	case strings.HasPrefix(src, "app_metadata."):
		v, ok := u.AppMetadata[strings.TrimPrefix(src, "app_metadata.")]
		return v, ok && v != nil
	case strings.HasPrefix(src, "user_metadata."):
		v, ok := u.UserMetadata[strings.TrimPrefix(src, "user_metadata.")]
		return v, ok && v != nil
	case src == "email":
		return u.Email, u.Email != ""
	case src == "email_verified":
		return u.EmailVerified, true
	case src == "name":
		return u.Name, u.Name != ""
	case src == "nickname":
		n := nickname(u)
		return n, n != ""
	case src == "user_id":
		return u.ID, true
	case src == "connection":
		return u.Connection, u.Connection != ""
	case src == "roles":
		return append([]string{}, u.Roles...), true
	case src == "permissions":
		return append([]string{}, u.Permissions[aud]...), true
	}
	return nil, false
}

// addExtraClaims sets extra (from IssueToken) and then the configured custom
// claims of u, both filtered by Auth0's rules and never overriding a claim
// already set; so extra wins over the configured claims.
func (t *Tenant) addExtraClaims(claims map[string]any, u *User, aud string, extra map[string]any) {
	for k, v := range extra {
		if allowedCustomClaim(k) {
			if _, set := claims[k]; !set {
				claims[k] = v
			}
		}
	}
	if u == nil {
		return
	}
	for _, c := range t.claims {
		if v, ok := c.value(*u, aud); ok {
			if _, set := claims[c.name]; !set {
				claims[c.name] = v
			}
		}
	}
}

// nickname is Auth0's default: the email's local part.
func nickname(u User) string {
	if i := strings.IndexByte(u.Email, '@'); i > 0 {
		return u.Email[:i]
	}
	return u.Name
}
