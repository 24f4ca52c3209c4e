package devtenant

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// organization is a configured Organization with its members resolved to
// user IDs. It does not change after New, so it is read without the lock.
type organization struct {
	Organization
	members map[string][]string // user ID → roles in the organization
	order   []string            // member IDs in a stable order
}

// orgName is Auth0's rule for organization names.
var orgName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,49}$`)

func (t *Tenant) setupOrgs() error {
	seen := map[string]bool{}
	pos := map[string]int{}
	for i, id := range t.users.order {
		pos[id] = i
	}
	for _, o := range t.cfg.Organizations {
		if !strings.HasPrefix(o.ID, "org_") || len(o.ID) == len("org_") {
			return fmt.Errorf("devtenant: organization %q: its ID must start with \"org_\"", o.ID)
		}
		if !orgName.MatchString(o.Name) {
			return fmt.Errorf("devtenant: organization %q: name %q must be lowercase letters, digits, '-' and '_'", o.ID, o.Name)
		}
		if seen[o.ID] || seen[o.Name] {
			return fmt.Errorf("devtenant: organization %q (%s) is listed twice", o.ID, o.Name)
		}
		seen[o.ID], seen[o.Name] = true, true
		org := &organization{Organization: o, members: map[string][]string{}}
		org.Members = nil
		for who, roles := range o.Members {
			rec := t.users.find(who)
			if rec == nil {
				return fmt.Errorf("devtenant: organization %q: member %q is not a user of the tenant", o.Name, who)
			}
			if _, dup := org.members[rec.ID]; !dup {
				org.order = append(org.order, rec.ID)
			}
			org.members[rec.ID] = append([]string{}, roles...)
		}
		// Members in the users' creation order, as a listing would show them.
		slices.SortFunc(org.order, func(a, b string) int { return pos[a] - pos[b] })
		t.orgs = append(t.orgs, org)
	}
	return nil
}

// org finds an organization by ID or, case-insensitively, by name.
func (t *Tenant) org(idOrName string) *organization {
	if idOrName == "" {
		return nil
	}
	for _, o := range t.orgs {
		if o.ID == idOrName || strings.EqualFold(o.Name, idOrName) {
			return o
		}
	}
	return nil
}

// isMember reports whether userID belongs to o.
func (o *organization) isMember(userID string) bool {
	_, ok := o.members[userID]
	return ok
}

// errNotMember is Auth0's refusal of a login through an organization the user
// is not a member of (the description is unverified).
func errNotMember(userID string, o *organization) (string, string) {
	return "access_denied", "user " + userID + " is not part of the " + o.ID + " organization"
}

// orgJSON is an organization as the Management API returns it.
func orgJSON(o *organization) map[string]any {
	return map[string]any{"id": o.ID, "name": o.Name, "display_name": o.DisplayName}
}

func writeNoOrg(w http.ResponseWriter) {
	writeMgmtError(w, http.StatusNotFound, "No organization found by that id or name", "inexistent_organization")
}

// handleListOrgs is GET /api/v2/organizations?page=&per_page=&include_totals=.
func (t *Tenant) handleListOrgs(w http.ResponseWriter, r *http.Request) {
	all := make([]map[string]any, 0, len(t.orgs))
	for _, o := range t.orgs {
		all = append(all, orgJSON(o))
	}
	writePage(w, r, "organizations", all)
}

// handleGetOrg is GET /api/v2/organizations/{id} and
// GET /api/v2/organizations/name/{name}.
func (t *Tenant) handleGetOrg(w http.ResponseWriter, r *http.Request) {
	var o *organization
	if id := r.PathValue("id"); id != "" {
		if o = t.org(id); o != nil && o.ID != id {
			o = nil // by ID only
		}
	} else if name := r.PathValue("name"); name != "" {
		if o = t.org(name); o != nil && !strings.EqualFold(o.Name, name) {
			o = nil
		}
	}
	if o == nil {
		writeNoOrg(w)
		return
	}
	writeJSON(w, http.StatusOK, orgJSON(o))
}

// handleOrgSub is GET /api/v2/organizations/name/{name} and
// GET /api/v2/organizations/{id}/members.
func (t *Tenant) handleOrgSub(w http.ResponseWriter, r *http.Request) {
	switch id, sub := r.PathValue("id"), r.PathValue("sub"); {
	case id == "name":
		r.SetPathValue("id", "")
		r.SetPathValue("name", sub)
		t.mgmt(scopeReadOrganizations, t.handleGetOrg)(w, r)
	case sub == "members":
		t.mgmt(scopeReadOrgMembers, t.handleOrgMembers)(w, r)
	default:
		http.NotFound(w, r)
	}
}

// handleOrgMembers is GET /api/v2/organizations/{id}/members: user_id,
// email, name and picture of each member, and their roles when fields names
// "roles" (as Auth0 returns them only when asked).
func (t *Tenant) handleOrgMembers(w http.ResponseWriter, r *http.Request) {
	o := t.org(r.PathValue("id"))
	if o == nil || o.ID != r.PathValue("id") {
		writeNoOrg(w)
		return
	}
	withRoles := false
	for _, f := range strings.Split(r.URL.Query().Get("fields"), ",") {
		withRoles = withRoles || strings.TrimSpace(f) == "roles"
	}
	all := []map[string]any{}
	t.mu.Lock()
	for _, id := range o.order {
		rec := t.users.byID[id]
		if rec == nil {
			continue // deleted since
		}
		m := userJSON(rec)
		member := map[string]any{"user_id": m["user_id"], "email": m["email"], "name": m["name"], "picture": m["picture"]}
		if withRoles {
			member["roles"] = rolesJSON(o.members[id])
		}
		all = append(all, member)
	}
	t.mu.Unlock()
	writePage(w, r, "members", all)
}

// handleOrgMemberRoles is GET /api/v2/organizations/{id}/members/{user_id}/roles.
func (t *Tenant) handleOrgMemberRoles(w http.ResponseWriter, r *http.Request) {
	o := t.org(r.PathValue("id"))
	if o == nil || o.ID != r.PathValue("id") {
		writeNoOrg(w)
		return
	}
	roles, ok := o.members[r.PathValue("user_id")]
	if !ok {
		writeMgmtError(w, http.StatusNotFound, "The user is not a member of the organization.", "inexistent_organization_member")
		return
	}
	writePage(w, r, "roles", rolesJSON(roles))
}

// rolesJSON lists role names as the Management API's role objects; the dev
// tenant's role IDs are "rol_" and the name.
func rolesJSON(roles []string) []map[string]any {
	out := []map[string]any{}
	for _, name := range roles {
		out = append(out, map[string]any{"id": "rol_" + name, "name": name})
	}
	return out
}

// writePage answers a Management API list (users, organizations, members)
// with page, per_page and include_totals.
func writePage(w http.ResponseWriter, r *http.Request, key string, all []map[string]any) {
	q := r.URL.Query()
	page, err1 := queryInt(q.Get("page"), 0)
	perPage, err2 := queryInt(q.Get("per_page"), 50)
	switch {
	case err1 != nil || page < 0:
		writeMgmtError(w, http.StatusBadRequest, "Query validation error: 'Invalid type: expected a non-negative integer' on property page.", "invalid_query_string")
		return
	case err2 != nil || perPage < 0 || perPage > 100:
		writeMgmtError(w, http.StatusBadRequest, "Query validation error: 'per_page must be between 0 and 100' on property per_page.", "invalid_query_string")
		return
	}
	start := min(page*perPage, len(all))
	end := min(start+perPage, len(all))
	items := append([]map[string]any{}, all[start:end]...)
	if b, _ := strconv.ParseBool(q.Get("include_totals")); b {
		writeJSON(w, http.StatusOK, map[string]any{"start": page * perPage, "limit": perPage, "length": len(items), "total": len(all), key: items})
		return
	}
	writeJSON(w, http.StatusOK, items)
}
