package management

import (
	"encoding/json"
	"testing"
	"time"
)

// A user as Auth0 sends it, with a GitHub identity whose user_id is a number.
func TestUserJSON(t *testing.T) {
	var u User
	err := json.Unmarshal([]byte(`{
		"user_id": "github|583231", "email": "octo@example.com", "email_verified": true,
		"name": "Octo Cat", "nickname": "octocat", "picture": "https://avatars.example/583231",
		"identities": [
			{"connection": "github", "provider": "github", "user_id": 583231, "isSocial": true},
			{"connection": "Username-Password-Authentication", "provider": "auth0", "user_id": "64f0", "isSocial": false}
		],
		"app_metadata": {"plan": "pro"}, "user_metadata": {"theme": "dark"},
		"created_at": "2024-01-02T03:04:05.678Z", "updated_at": "2024-02-02T03:04:05.678Z",
		"last_login": "2024-03-02T03:04:05.678Z", "logins_count": 42, "blocked": true
	}`), &u)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "github|583231" || !u.EmailVerified || u.Nickname != "octocat" || len(u.Identities) != 2 ||
		u.Identities[0].UserID != "583231" || !u.Identities[0].IsSocial || u.Identities[1].UserID != "64f0" ||
		u.AppMetadata["plan"] != "pro" || u.UserMetadata["theme"] != "dark" || u.LoginsCount != 42 || !u.Blocked ||
		!u.CreatedAt.Equal(time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.UTC)) || u.LastLogin.IsZero() {
		t.Errorf("decoded %+v", u)
	}
	if err := json.Unmarshal([]byte(`{"identities":[{"user_id":{}}]}`), &u); err == nil {
		t.Error("an object as an identity's user_id was accepted")
	}
}
