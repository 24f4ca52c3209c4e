package devtenant

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// readMgmtBody reads a JSON object into fields, answering errors in the
// Management API's shape; it reports whether it succeeded.
func readMgmtBody(w http.ResponseWriter, r *http.Request, allowed map[string]bool) (map[string]json.RawMessage, bool) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeMgmtError(w, http.StatusRequestEntityTooLarge, "Payload content length greater than maximum allowed: 1048576", "")
		} else {
			writeMgmtError(w, http.StatusBadRequest, "Invalid request payload JSON format", "invalid_body")
		}
		return nil, false
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&fields); err != nil || fields == nil || dec.More() {
		writeMgmtError(w, http.StatusBadRequest, "Invalid request payload JSON format", "invalid_body")
		return nil, false
	}
	for k := range fields {
		if !allowed[k] {
			writeMgmtError(w, http.StatusBadRequest, "Payload validation error: 'Additional properties not allowed: "+k+"'.", "invalid_body")
			return nil, false
		}
	}
	return fields, true
}

// decodeField decodes fields[name] into v; it writes a 400 and returns false
// when the type is wrong.
func decodeField(w http.ResponseWriter, fields map[string]json.RawMessage, name string, v any) bool {
	raw, ok := fields[name]
	if !ok {
		return true
	}
	if err := json.Unmarshal(raw, v); err != nil {
		writeMgmtError(w, http.StatusBadRequest, "Payload validation error: 'Invalid type' on property "+name+".", "invalid_body")
		return false
	}
	return true
}

var userFields = map[string]bool{
	"email": true, "password": true, "connection": true, "name": true, "nickname": true,
	"user_id": true, "email_verified": true, "verify_email": true, "given_name": true,
	"family_name": true, "picture": true, "blocked": true, "username": true,
	"user_metadata": true, "app_metadata": true,
}

// handleCreateUser is POST /api/v2/users.
func (t *Tenant) handleCreateUser(w http.ResponseWriter, r *http.Request) {
	fields, ok := readMgmtBody(w, r, userFields)
	if !ok {
		return
	}
	var u User
	var userID string
	var ignored any
	for name, dst := range map[string]any{
		"email": &u.Email, "password": &u.Password, "connection": &u.Connection, "name": &u.Name,
		"user_id": &userID, "email_verified": &u.EmailVerified, "user_metadata": &u.UserMetadata,
		"app_metadata": &u.AppMetadata, "nickname": &ignored, "verify_email": &ignored,
		"given_name": &ignored, "family_name": &ignored, "picture": &ignored, "blocked": &u.Blocked, "username": &ignored,
	} {
		if !decodeField(w, fields, name, dst) {
			return
		}
	}
	for _, req := range []string{"connection", "email", "password"} {
		if _, ok := fields[req]; !ok {
			writeMgmtError(w, http.StatusBadRequest, "Payload validation error: 'Missing required property: "+req+"'.", "invalid_body")
			return
		}
	}
	if userID != "" {
		u.ID = "auth0|" + userID
	}
	t.mu.Lock()
	if !t.users.connections[u.Connection] {
		t.mu.Unlock()
		writeMgmtError(w, http.StatusBadRequest, "The connection does not exist.", "inexistent_connection")
		return
	}
	rec, err := t.users.add(u, t.now())
	var out map[string]any
	if err == nil {
		out = userJSON(rec)
	}
	t.mu.Unlock()
	switch {
	case errors.Is(err, errUserExists):
		writeMgmtError(w, http.StatusConflict, "The user already exists.", "auth0_idp_error")
	case err != nil:
		writeMgmtError(w, http.StatusBadRequest, "Payload validation error: 'Missing required property: email'.", "invalid_body")
	default:
		writeJSON(w, http.StatusCreated, out)
	}
}

// handlePatchUser is PATCH /api/v2/users/{id}. user_metadata and app_metadata
// are merged one level deep: a top-level key set to null is removed; the
// whole object set to null clears it.
func (t *Tenant) handlePatchUser(w http.ResponseWriter, r *http.Request) {
	fields, ok := readMgmtBody(w, r, userFields)
	if !ok {
		return
	}
	var (
		email, password, name *string
		verified, blocked     *bool
		userMeta, appMeta     map[string]any
		ignored               any
	)
	for n, dst := range map[string]any{
		"email": &email, "password": &password, "name": &name, "email_verified": &verified,
		"user_metadata": &userMeta, "app_metadata": &appMeta, "connection": &ignored,
		"nickname": &ignored, "verify_email": &ignored, "given_name": &ignored, "family_name": &ignored,
		"picture": &ignored, "blocked": &blocked, "username": &ignored, "user_id": &ignored,
	} {
		if !decodeField(w, fields, n, dst) {
			return
		}
	}
	id := r.PathValue("id")
	t.mu.Lock()
	defer t.mu.Unlock()
	u := t.users.byID[id]
	if u == nil {
		writeMgmtError(w, http.StatusNotFound, "The user does not exist.", "inexistent_user")
		return
	}
	if email != nil {
		e := strings.ToLower(strings.TrimSpace(*email))
		if other := t.users.byEmail(u.Connection, e); other != nil && other.ID != u.ID {
			writeMgmtError(w, http.StatusConflict, "The specified new email already exists", "email_already_exists")
			return
		}
		if e == "" {
			writeMgmtError(w, http.StatusBadRequest, "Payload validation error: 'Invalid email' on property email.", "invalid_body")
			return
		}
		u.Email = e
	}
	if password != nil {
		u.Password = *password
		t.unblockLocked(u.ID) // a password reset lifts brute-force blocks
	}
	if blocked != nil {
		u.Blocked = *blocked
	}
	if name != nil {
		u.Name = *name
	}
	if verified != nil {
		u.EmailVerified = *verified
	}
	if _, set := fields["user_metadata"]; set {
		u.UserMetadata = mergeMetadata(u.UserMetadata, userMeta)
	}
	if _, set := fields["app_metadata"]; set {
		u.AppMetadata = mergeMetadata(u.AppMetadata, appMeta)
	}
	u.UpdatedAt = t.now()
	writeJSON(w, http.StatusOK, userJSON(u))
}

// mergeMetadata merges patch into m one level deep; null values unset keys.
// An empty object clears m, as Auth0 documents ("patching the metadata itself
// with an empty object removes the metadata completely"), and so does null.
func mergeMetadata(m, patch map[string]any) map[string]any {
	if len(patch) == 0 {
		return map[string]any{}
	}
	if m == nil {
		m = map[string]any{}
	}
	for k, v := range patch {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return m
}
