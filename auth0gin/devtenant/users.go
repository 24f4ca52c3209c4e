package devtenant

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// errUserExists is a second user with the same email in a connection.
var errUserExists = errors.New("devtenant: the user already exists")

// userRecord is a stored user.
type userRecord struct {
	User
	CreatedAt time.Time
	UpdatedAt time.Time
}

// userStore holds the users; the Tenant's mutex guards it.
type userStore struct {
	byID        map[string]*userRecord
	order       []string // creation order, for listing
	connections map[string]bool
}

func newUserStore(users []User, now time.Time) (*userStore, error) {
	s := &userStore{byID: map[string]*userRecord{}, connections: map[string]bool{defaultConnection: true}}
	for _, u := range users {
		if _, err := s.add(u, now); err != nil {
			return nil, fmt.Errorf("devtenant: user %q: %w", u.Email, err)
		}
	}
	return s, nil
}

// add stores a copy of u, filling in the connection and a stable ID.
func (s *userStore) add(u User, now time.Time) (*userRecord, error) {
	u = cloneUser(u)
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if u.Email == "" {
		return nil, errors.New("devtenant: a user needs an email")
	}
	if u.Connection == "" {
		u.Connection = defaultConnection
	}
	if u.ID == "" {
		sum := sha256.Sum256([]byte(u.Connection + "\x00" + u.Email))
		u.ID = "auth0|" + hex.EncodeToString(sum[:12])
	}
	if s.byID[u.ID] != nil || s.byEmail(u.Connection, u.Email) != nil {
		return nil, errUserExists
	}
	rec := &userRecord{User: u, CreatedAt: now, UpdatedAt: now}
	s.byID[u.ID] = rec
	s.order = append(s.order, u.ID)
	s.connections[u.Connection] = true
	return rec, nil
}

// find returns the user whose ID, or else whose email (in any connection),
// is user.
func (s *userStore) find(user string) *userRecord {
	if rec := s.byID[user]; rec != nil {
		return rec
	}
	return s.byEmail("", user)
}

func (s *userStore) byEmail(connection, email string) *userRecord {
	email = strings.ToLower(email)
	for _, id := range s.order {
		if u := s.byID[id]; u.Email == email && (connection == "" || u.Connection == connection) {
			return u
		}
	}
	return nil
}

func (s *userStore) delete(id string) {
	if s.byID[id] == nil {
		return
	}
	delete(s.byID, id)
	for i, v := range s.order {
		if v == id {
			s.order = append(s.order[:i], s.order[i+1:]...)
			break
		}
	}
}

func (s *userStore) list() []*userRecord {
	out := make([]*userRecord, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.byID[id])
	}
	return out
}

// user returns a copy of the user id, safe to use without the lock.
func (t *Tenant) user(id string) (User, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	u := t.users.byID[id]
	if u == nil {
		return User{}, false
	}
	return cloneUser(u.User), true
}

func cloneUser(u User) User {
	if u.Permissions != nil {
		p := make(map[string][]string, len(u.Permissions))
		for k, v := range u.Permissions {
			p[k] = append([]string{}, v...)
		}
		u.Permissions = p
	}
	u.Roles = append([]string(nil), u.Roles...)
	u.AppMetadata = cloneMap(u.AppMetadata)
	u.UserMetadata = cloneMap(u.UserMetadata)
	return u
}

func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneValue(v)
	}
	return out
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return cloneMap(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneValue(e)
		}
		return out
	}
	return v
}
