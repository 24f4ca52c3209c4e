package devtenant

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// maxBodyBytes caps every request body.
const maxBodyBytes = 1 << 20

func (t *Tenant) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /.well-known/openid-configuration", t.handleDiscovery)
	m.HandleFunc("GET /.well-known/jwks.json", t.handleJWKS)
	m.HandleFunc("GET /authorize", t.handleAuthorize)
	m.HandleFunc("POST /u/login", t.handleLogin)
	m.HandleFunc("POST /oauth/token", t.handleToken)
	m.HandleFunc("POST /oauth/device/code", t.handleDeviceCode)
	m.HandleFunc("GET /activate", t.handleActivatePage)
	m.HandleFunc("POST /activate", t.handleActivate)
	m.HandleFunc("POST /oauth/revoke", t.handleRevoke)
	m.HandleFunc("GET /userinfo", t.handleUserinfo)
	m.HandleFunc("GET /v2/logout", t.handleLogout)
	m.HandleFunc("GET /api/v2/users", t.mgmt(scopeReadUsers, t.handleListUsers))
	m.HandleFunc("POST /api/v2/users", t.mgmt(scopeCreateUsers, t.handleCreateUser))
	m.HandleFunc("GET /api/v2/users/{id}", t.mgmt(scopeReadUsers, t.handleGetUser))
	m.HandleFunc("PATCH /api/v2/users/{id}", t.mgmt(scopeUpdateUsers, t.handlePatchUser))
	m.HandleFunc("DELETE /api/v2/users/{id}", t.mgmt(scopeDeleteUsers, t.handleDeleteUser))
	m.HandleFunc("GET /api/v2/users-by-email", t.mgmt(scopeReadUsers, t.handleUsersByEmail))
	m.HandleFunc("GET /api/v2/user-blocks", t.mgmt(scopeReadUsers, t.handleGetUserBlocks))
	m.HandleFunc("GET /api/v2/user-blocks/{id}", t.mgmt(scopeReadUsers, t.handleGetUserBlocks))
	m.HandleFunc("DELETE /api/v2/user-blocks", t.mgmt(scopeUpdateUsers, t.handleDeleteUserBlocks))
	m.HandleFunc("DELETE /api/v2/user-blocks/{id}", t.mgmt(scopeUpdateUsers, t.handleDeleteUserBlocks))
	m.HandleFunc("GET /api/v2/organizations", t.mgmt(scopeReadOrganizations, t.handleListOrgs))
	m.HandleFunc("GET /api/v2/organizations/{id}", t.mgmt(scopeReadOrganizations, t.handleGetOrg))
	// /organizations/name/{name} and /organizations/{id}/members overlap
	// as ServeMux patterns: one pattern, told apart in handleOrgSub.
	m.HandleFunc("GET /api/v2/organizations/{id}/{sub}", t.handleOrgSub)
	m.HandleFunc("GET /api/v2/organizations/{id}/members/{user_id}/roles", t.mgmt(scopeReadOrgMemberRoles, t.handleOrgMemberRoles))
	m.HandleFunc("POST /u/mfa-otp-challenge", t.handleMFA)
	t.mux = m
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// ServeHTTP answers r as an Auth0 tenant would. Every response carries the
// X-RateLimit-* headers; request bodies are capped at 1 MiB.
func (t *Tenant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			t.log.Error("devtenant: handler panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p))
			if sw.status == 0 {
				writeOAuthError(sw, http.StatusInternalServerError, "server_error", "Internal error.")
			}
		}
		// The path only: queries may carry codes and state.
		t.log.Debug("devtenant: request", "method", r.Method, "path", r.URL.Path, "status", sw.status)
	}()
	if t.rateLimit(sw, r) {
		return
	}
	if t.cors(sw, r) {
		return
	}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(sw, r.Body, maxBodyBytes)
	}
	t.mux.ServeHTTP(sw, r)
}

// oauthError is the Authentication API's error body.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	MFAToken    string `json:"mfa_token,omitempty"`
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, oauthError{Error: code, Description: desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// errBadBody is a body that is not a form or a JSON object of strings.
var errBadBody = errors.New("bad body")

// params reads an Authentication API request: a form or a JSON object.
// JSON values that are not strings are kept as their JSON text.
func params(r *http.Request) (url.Values, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		var raw map[string]json.RawMessage
		dec := json.NewDecoder(r.Body)
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%w: %w", errBadBody, err)
		}
		v := url.Values{}
		for k, m := range raw {
			var s string
			if err := json.Unmarshal(m, &s); err == nil {
				v.Set(k, s)
			} else if string(m) != "null" {
				v.Set(k, string(m))
			}
		}
		return v, nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, fmt.Errorf("%w: %w", errBadBody, err)
	}
	return r.PostForm, nil
}

// writeBodyError answers a body params could not read.
func writeBodyError(w http.ResponseWriter, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		writeOAuthError(w, http.StatusRequestEntityTooLarge, "invalid_request", "Request body too large.")
		return
	}
	writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Invalid request body.")
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// scopeList splits a space-separated scope string, dropping duplicates.
func scopeList(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.Fields(s) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func joinScopes(s []string) string { return strings.Join(s, " ") }
