package management

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// User is a user as the Management API returns it. Fields Auth0 leaves out
// (last_login and logins_count before the first login, blocked when never
// set) are zero.
type User struct {
	// ID is Auth0's user_id, e.g. "auth0|64f...", the `sub` of the user's tokens.
	ID            string `json:"user_id"`
	Email         string `json:"email,omitempty"`
	EmailVerified bool   `json:"email_verified"`
	Name          string `json:"name,omitempty"`
	Nickname      string `json:"nickname,omitempty"`
	Picture       string `json:"picture,omitempty"`
	GivenName     string `json:"given_name,omitempty"`
	FamilyName    string `json:"family_name,omitempty"`
	Username      string `json:"username,omitempty"`
	// Identities are the accounts the user logs in with (one per connection).
	Identities []Identity `json:"identities,omitempty"`
	// AppMetadata is what the application stores about the user; the user
	// cannot change it.
	AppMetadata map[string]any `json:"app_metadata,omitempty"`
	// UserMetadata is what the user may change (preferences and the like).
	UserMetadata map[string]any `json:"user_metadata,omitempty"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
	LastLogin    time.Time      `json:"last_login,omitzero"`
	LoginsCount  int            `json:"logins_count,omitempty"`
	// Blocked users cannot log in.
	Blocked bool `json:"blocked,omitempty"`
}

// Identity is one of a user's accounts.
type Identity struct {
	// Connection is the connection's name, e.g. "Username-Password-Authentication".
	Connection string `json:"connection"`
	// Provider is e.g. "auth0", "google-oauth2", "github".
	Provider string `json:"provider"`
	// UserID is the provider's id of the account (without the "provider|"
	// prefix). Some providers (GitHub) send it as a number; it is kept as its
	// decimal text.
	UserID   string `json:"user_id"`
	IsSocial bool   `json:"isSocial"`
}

// UnmarshalJSON accepts user_id as a string or a number.
func (i *Identity) UnmarshalJSON(b []byte) error {
	type plain Identity
	var v struct {
		plain
		UserID json.RawMessage `json:"user_id"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*i = Identity(v.plain)
	id := bytes.TrimSpace(v.UserID)
	switch {
	case len(id) == 0 || string(id) == "null":
	case id[0] == '"':
		return json.Unmarshal(id, &i.UserID)
	default:
		var n json.Number
		if err := json.Unmarshal(id, &n); err != nil {
			return fmt.Errorf("identity user_id: %w", err)
		}
		i.UserID = n.String()
	}
	return nil
}
