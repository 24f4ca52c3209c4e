package devtenant

import (
	"net/http"
	"strings"
)

// blockedFor is one entry of a user-blocks answer.
type blockedFor struct {
	Identifier string `json:"identifier"`
	IP         string `json:"ip"`
	Connection string `json:"connection,omitempty"`
}

// userBlocksTarget finds the user of /api/v2/user-blocks/{id} or
// /api/v2/user-blocks?identifier= (an email); it writes the error and
// returns nil when there is none. t.mu must be held.
func (t *Tenant) userBlocksTargetLocked(w http.ResponseWriter, r *http.Request) *userRecord {
	if id := r.PathValue("id"); id != "" {
		if u := t.users.byID[id]; u != nil {
			return u
		}
		writeMgmtError(w, http.StatusNotFound, "The user does not exist.", "inexistent_user")
		return nil
	}
	ident := strings.TrimSpace(r.URL.Query().Get("identifier"))
	if ident == "" {
		writeMgmtError(w, http.StatusBadRequest, "Query validation error: 'Missing required property: identifier' on property identifier.", "invalid_query_string")
		return nil
	}
	if u := t.users.byEmail("", ident); u != nil {
		return u
	}
	writeMgmtError(w, http.StatusNotFound, "The user does not exist.", "inexistent_user")
	return nil
}

// handleGetUserBlocks is GET /api/v2/user-blocks/{id} and
// GET /api/v2/user-blocks?identifier=: the IPs brute-force protection blocks
// the user from.
func (t *Tenant) handleGetUserBlocks(w http.ResponseWriter, r *http.Request) {
	out := []blockedFor{}
	if t.onBlocksTarget(w, r, func(u *userRecord) {
		for _, ip := range t.blockedIPsLocked(u.ID) {
			out = append(out, blockedFor{Identifier: u.Email, IP: ip, Connection: u.Connection})
		}
	}) {
		writeJSON(w, http.StatusOK, map[string]any{"blocked_for": out})
	}
}

// handleDeleteUserBlocks is DELETE /api/v2/user-blocks/{id} and
// DELETE /api/v2/user-blocks?identifier=: it lifts the user's brute-force
// blocks (204).
func (t *Tenant) handleDeleteUserBlocks(w http.ResponseWriter, r *http.Request) {
	var id string
	var n int
	if t.onBlocksTarget(w, r, func(u *userRecord) { id, n = u.ID, t.unblockLocked(u.ID) }) {
		t.log.Info("devtenant: user unblocked", "user_id", id, "blocks", n)
		w.WriteHeader(http.StatusNoContent)
	}
}

// onBlocksTarget runs f under the tenant's lock on the user the request
// names; it reports false after writing the error when there is none.
func (t *Tenant) onBlocksTarget(w http.ResponseWriter, r *http.Request, f func(*userRecord)) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	u := t.userBlocksTargetLocked(w, r)
	if u != nil {
		f(u)
	}
	return u != nil
}
