package devtenant

import (
	"net/http"
	"strconv"
	"strings"
)

// handleListUsers is GET /api/v2/users?q=&page=&per_page=&include_totals=.
// q supports the Lucene forms people use most: field:value, field:"value",
// a trailing * for a prefix, on email, user_id, name, nickname and
// identities.connection, several terms joined by AND; a bare word matches
// email or name.
func (t *Tenant) handleListUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	match, ok := parseUserQuery(q.Get("q"))
	if !ok {
		writeMgmtError(w, http.StatusBadRequest, "Invalid query: "+q.Get("q"), "invalid_query_string")
		return
	}
	var all []map[string]any
	t.mu.Lock()
	for _, u := range t.users.list() {
		if match(u) {
			all = append(all, userJSON(u))
		}
	}
	t.mu.Unlock()
	writePage(w, r, "users", all)
}

func queryInt(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	return strconv.Atoi(s)
}

// parseUserQuery compiles the supported subset of Auth0's user search syntax.
func parseUserQuery(q string) (func(*userRecord) bool, bool) {
	q = strings.TrimSpace(q)
	if q == "" {
		return func(*userRecord) bool { return true }, true
	}
	var terms []func(*userRecord) bool
	for _, part := range strings.Split(q, " AND ") {
		part = strings.TrimSpace(part)
		field, value, hasField := strings.Cut(part, ":")
		if !hasField {
			field, value = "", part
		}
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			value = value[1 : len(value)-1]
		} else if strings.ContainsAny(value, `" ()`) {
			return nil, false
		}
		if value == "" {
			return nil, false
		}
		prefix := strings.HasSuffix(value, "*")
		value = strings.ToLower(strings.TrimSuffix(value, "*"))
		eq := func(s string) bool {
			s = strings.ToLower(s)
			if prefix {
				return strings.HasPrefix(s, value)
			}
			return s == value
		}
		var get func(*userRecord) []string
		switch field {
		case "":
			get = func(u *userRecord) []string { return []string{u.Email, u.Name} }
			inner := eq
			eq = func(s string) bool { return inner(s) || strings.Contains(strings.ToLower(s), value) }
		case "email":
			get = func(u *userRecord) []string { return []string{u.Email} }
		case "user_id":
			get = func(u *userRecord) []string { return []string{u.ID} }
		case "name":
			get = func(u *userRecord) []string { return []string{u.Name} }
		case "nickname":
			get = func(u *userRecord) []string { return []string{nickname(u.User)} }
		case "identities.connection":
			get = func(u *userRecord) []string { return []string{u.Connection} }
		default:
			return nil, false
		}
		terms = append(terms, func(u *userRecord) bool {
			for _, s := range get(u) {
				if eq(s) {
					return true
				}
			}
			return false
		})
	}
	return func(u *userRecord) bool {
		for _, t := range terms {
			if !t(u) {
				return false
			}
		}
		return true
	}, true
}
