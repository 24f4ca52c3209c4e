package devtenant

import (
	"net/http"
	"strings"
	"time"
)

// mgmtError is the Management API's error body.
type mgmtError struct {
	StatusCode int    `json:"statusCode"`
	Error      string `json:"error"`
	Message    string `json:"message"`
	ErrorCode  string `json:"errorCode,omitempty"`
	Attributes any    `json:"attributes,omitempty"`
}

func writeMgmtError(w http.ResponseWriter, status int, message, errorCode string) {
	writeJSON(w, status, mgmtError{StatusCode: status, Error: http.StatusText(status), Message: message, ErrorCode: errorCode})
}

// mgmt protects a Management API handler: a token of the tenant for the
// Management API audience carrying scope.
func (t *Tenant) mgmt(scope string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := bearer(r.Header.Get("Authorization"))
		if tok == "" {
			writeMgmtError(w, http.StatusUnauthorized, "Missing authentication", "")
			return
		}
		c, err := t.verifyJWT(tok, t.ManagementAudience())
		if err != nil {
			msg := "Invalid token"
			if err.Error() == "token expired" {
				msg = "Expired token received for JSON Web Token validation"
			}
			writeJSON(w, http.StatusUnauthorized, mgmtError{
				StatusCode: http.StatusUnauthorized, Error: "Unauthorized", Message: msg,
				Attributes: map[string]string{"error": msg},
			})
			return
		}
		if !contains(scopeList(c.Scope), scope) {
			writeMgmtError(w, http.StatusForbidden, "Insufficient scope, expected any of: "+scope, "insufficient_scope")
			return
		}
		h(w, r)
	}
}

// userJSON is a user as the Management API returns it.
func userJSON(u *userRecord) map[string]any {
	local := u.ID
	if i := strings.IndexByte(local, '|'); i >= 0 {
		local = local[i+1:]
	}
	name := u.Name
	if name == "" {
		name = u.Email
	}
	out := map[string]any{
		"user_id":        u.ID,
		"email":          u.Email,
		"email_verified": u.EmailVerified,
		"name":           name,
		"nickname":       nickname(u.User),
		"picture":        "https://s.gravatar.com/avatar/00000000000000000000000000000000?s=480&r=pg&d=mp",
		"created_at":     u.CreatedAt.UTC().Format(time.RFC3339Nano),
		"updated_at":     u.UpdatedAt.UTC().Format(time.RFC3339Nano),
		"identities": []map[string]any{{
			"connection": u.Connection, "provider": "auth0", "user_id": local, "isSocial": false,
		}},
	}
	if u.Blocked {
		out["blocked"] = true
	}
	if u.AppMetadata != nil {
		out["app_metadata"] = cloneMap(u.AppMetadata)
	}
	if u.UserMetadata != nil {
		out["user_metadata"] = cloneMap(u.UserMetadata)
	}
	return out
}

// handleGetUser is GET /api/v2/users/{id}.
func (t *Tenant) handleGetUser(w http.ResponseWriter, r *http.Request) {
	t.mu.Lock()
	u := t.users.byID[r.PathValue("id")]
	var out map[string]any
	if u != nil {
		out = userJSON(u)
	}
	t.mu.Unlock()
	if u == nil {
		writeMgmtError(w, http.StatusNotFound, "The user does not exist.", "inexistent_user")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// handleDeleteUser is DELETE /api/v2/users/{id}: 204 whether or not the user
// existed; the user's refresh tokens and sessions are revoked.
func (t *Tenant) handleDeleteUser(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	t.mu.Lock()
	t.users.delete(id)
	t.revokeUserLocked(id)
	t.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// handleUsersByEmail is GET /api/v2/users-by-email?email=.
func (t *Tenant) handleUsersByEmail(w http.ResponseWriter, r *http.Request) {
	email := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("email")))
	if email == "" {
		writeMgmtError(w, http.StatusBadRequest, "Query validation error: 'Missing required property: email' on property email.", "invalid_query_string")
		return
	}
	out := []map[string]any{}
	t.mu.Lock()
	for _, u := range t.users.list() {
		if u.Email == email {
			out = append(out, userJSON(u))
		}
	}
	t.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}
