package devtenant_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

func (e *env) mgmtDo(t *testing.T, method, path, body, token string) response {
	t.Helper()
	req, _ := http.NewRequest(method, e.url+"api/v2/"+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, nil, req)
}

func wantMgmtError(t *testing.T, r response, status int, errorCode, message string) {
	t.Helper()
	if r.status != status || r.json["statusCode"] != float64(status) || r.str("error") != http.StatusText(status) ||
		r.str("errorCode") != errorCode || (message != "" && r.str("message") != message) {
		t.Fatalf("got %d %s, want %d %s %q", r.status, r.body, status, errorCode, message)
	}
}

func TestManagementUsersCRUD(t *testing.T) {
	e := newEnv(t)
	tok := e.m2m(t, e.ManagementAudience())
	if e.ManagementAudience() != e.url+"api/v2/" {
		t.Fatalf("management audience %q", e.ManagementAudience())
	}

	r := e.mgmtDo(t, "GET", "users/"+url.PathEscape(devtenant.Alice.ID), "", tok)
	wantStatus(t, r, 200)
	if r.str("email") != devtenant.Alice.Email || r.str("user_id") != devtenant.Alice.ID || r.json["identities"] == nil {
		t.Errorf("alice %s", r.body)
	}
	wantMgmtError(t, e.mgmtDo(t, "GET", "users/auth0%7Cnobody", "", tok), 404, "inexistent_user", "The user does not exist.")

	r = e.mgmtDo(t, "POST", "users", `{"email":"Carol@Example.com","password":"carol-pw","connection":"Username-Password-Authentication","user_metadata":{"theme":"dark","lang":"en"}}`, tok)
	wantStatus(t, r, 201)
	carol := r.str("user_id")
	if !strings.HasPrefix(carol, "auth0|") || r.str("email") != "carol@example.com" {
		t.Fatalf("created %s", r.body)
	}
	wantMgmtError(t, e.mgmtDo(t, "POST", "users", `{"email":"carol@example.com","password":"x","connection":"Username-Password-Authentication"}`, tok),
		409, "auth0_idp_error", "The user already exists.")
	wantMgmtError(t, e.mgmtDo(t, "POST", "users", `{"email":"dave@example.com","password":"x"}`, tok),
		400, "invalid_body", "Payload validation error: 'Missing required property: connection'.")
	wantMgmtError(t, e.mgmtDo(t, "POST", "users", `{"email":"dave@example.com","password":"x","connection":"nope"}`, tok),
		400, "inexistent_connection", "The connection does not exist.")
	wantMgmtError(t, e.mgmtDo(t, "POST", "users", `{"email":"dave@example.com","password":"x","connection":"Username-Password-Authentication","foo":1}`, tok),
		400, "invalid_body", "Payload validation error: 'Additional properties not allowed: foo'.")
	wantMgmtError(t, e.mgmtDo(t, "POST", "users", `{"email":`, tok), 400, "invalid_body", "Invalid request payload JSON format")
	wantMgmtError(t, e.mgmtDo(t, "POST", "users", `{"email":42,"password":"x","connection":"Username-Password-Authentication"}`, tok), 400, "invalid_body", "")

	// The new user can log in.
	wantStatus(t, e.password(t, "carol@example.com", "carol-pw", ""), 200)

	// Searches.
	r = e.mgmtDo(t, "GET", "users-by-email?email=CAROL@example.com", "", tok)
	wantStatus(t, r, 200)
	if !strings.HasPrefix(string(r.body), "[") || !strings.Contains(string(r.body), carol) {
		t.Errorf("users-by-email %s", r.body)
	}
	wantMgmtError(t, e.mgmtDo(t, "GET", "users-by-email", "", tok), 400, "invalid_query_string", "")
	r = e.mgmtDo(t, "GET", "users?q="+url.QueryEscape(`email:"carol@example.com"`), "", tok)
	if !strings.Contains(string(r.body), carol) || strings.Contains(string(r.body), devtenant.Alice.ID) {
		t.Errorf("search %s", r.body)
	}
	r = e.mgmtDo(t, "GET", "users?include_totals=true&per_page=2&page=1", "", tok)
	wantStatus(t, r, 200)
	if r.json["total"] != float64(3) || r.json["length"] != float64(1) || r.json["start"] != float64(2) || r.json["limit"] != float64(2) {
		t.Errorf("totals %s", r.body)
	}
	wantMgmtError(t, e.mgmtDo(t, "GET", "users?per_page=1000", "", tok), 400, "invalid_query_string", "")
	wantMgmtError(t, e.mgmtDo(t, "GET", "users?q="+url.QueryEscape("nosuchfield:x"), "", tok), 400, "invalid_query_string", "")

	// PATCH merges metadata one level deep; null unsets.
	r = e.mgmtDo(t, "PATCH", "users/"+url.PathEscape(carol), `{"user_metadata":{"lang":null,"size":"xl"},"app_metadata":{"plan":"pro"},"name":"Carol"}`, tok)
	wantStatus(t, r, 200)
	um := r.json["user_metadata"].(map[string]any)
	if um["theme"] != "dark" || um["size"] != "xl" || um["lang"] != nil || len(um) != 2 || r.str("name") != "Carol" ||
		r.json["app_metadata"].(map[string]any)["plan"] != "pro" {
		t.Errorf("patched %s", r.body)
	}
	// An empty object clears the metadata, as on Auth0.
	r = e.mgmtDo(t, "PATCH", "users/"+url.PathEscape(carol), `{"user_metadata":{}}`, tok)
	wantStatus(t, r, 200)
	if um, _ := r.json["user_metadata"].(map[string]any); len(um) != 0 || r.json["app_metadata"].(map[string]any)["plan"] != "pro" {
		t.Errorf("cleared %s", r.body)
	}
	wantMgmtError(t, e.mgmtDo(t, "PATCH", "users/"+url.PathEscape(carol), `{"email":"alice@example.com"}`, tok), 409, "email_already_exists", "")
	wantMgmtError(t, e.mgmtDo(t, "PATCH", "users/auth0%7Cnobody", `{"name":"x"}`, tok), 404, "inexistent_user", "")

	// DELETE: 204, then 404, and the user's refresh tokens die.
	rt := e.password(t, "carol@example.com", "carol-pw", "offline_access").str("refresh_token")
	r = e.mgmtDo(t, "DELETE", "users/"+url.PathEscape(carol), "", tok)
	wantStatus(t, r, 204)
	wantMgmtError(t, e.mgmtDo(t, "GET", "users/"+url.PathEscape(carol), "", tok), 404, "inexistent_user", "")
	if rt != "" {
		wantOAuthError(t, e.refresh(t, rt, ""), 403, "invalid_grant", "Unknown or invalid refresh token.")
	}
}

func TestManagementAuth(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	readOnly, err := e.IssueToken(ctx, devtenant.TokenRequest{ClientCredentials: true, Audience: e.ManagementAudience(), Permissions: []string{"read:users"}})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, e.mgmtDo(t, "GET", "users", "", readOnly), 200)
	wantMgmtError(t, e.mgmtDo(t, "POST", "users", `{}`, readOnly), 403, "insufficient_scope", "Insufficient scope, expected any of: create:users")
	wantMgmtError(t, e.mgmtDo(t, "DELETE", "users/x", "", readOnly), 403, "insufficient_scope", "")
	wantMgmtError(t, e.mgmtDo(t, "GET", "users", "", ""), 401, "", "Missing authentication")
	wantMgmtError(t, e.mgmtDo(t, "GET", "users", "", "garbage"), 401, "", "Invalid token")
	// A token for another API is refused, and so is an expired one.
	api := e.m2m(t, devtenant.Audience)
	wantMgmtError(t, e.mgmtDo(t, "GET", "users", "", api), 401, "", "Invalid token")
	expired, _ := e.IssueToken(ctx, devtenant.TokenRequest{ClientCredentials: true, Audience: e.ManagementAudience(), ExpiresIn: -1})
	wantMgmtError(t, e.mgmtDo(t, "GET", "users", "", expired), 401, "", "Expired token received for JSON Web Token validation")
	// A user's token for the Management API gets no users scopes.
	r := e.post(t, "oauth/token", url.Values{"grant_type": {"password"}, "client_id": {devtenant.SPAClient.ID},
		"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}, "audience": {e.ManagementAudience()}, "scope": {"read:users"}})
	wantStatus(t, r, 200)
	wantMgmtError(t, e.mgmtDo(t, "GET", "users", "", r.str("access_token")), 403, "insufficient_scope", "")
}
