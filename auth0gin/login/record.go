package login

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// A row lives under rowKey(the user's group, SHA-256 of the access token) and holds, sealed by
// the keyring, either the refresh token for that access token or, for a short
// grace window after a refresh, the answer that refresh gave: concurrent
// refreshes with the same access token (two tabs, two instances) then all get
// the same new access token, and none of them reaches the tenant again.
type row struct {
	// Kind is kindRefresh or kindGrace.
	Kind string `json:"k"`
	// RefreshToken is the tenant's refresh token (kindRefresh).
	RefreshToken string `json:"rt,omitempty"`
	// Subject is the user the tokens belong to (kindRefresh).
	Subject string `json:"sub,omitempty"`
	// Rows is the set listing the user's rows (kindRefresh; see userRows).
	Rows string `json:"rows,omitempty"`
	// Expires is the refresh token's absolute end (unix seconds): it does not
	// move on rotation, and the store drops the row then.
	Expires int64 `json:"exp,omitempty"`
	// AccessToken, TokenExpires are the answer of a refresh (kindGrace).
	AccessToken  string `json:"at,omitempty"`
	TokenExpires int64  `json:"at_exp,omitempty"`
	// Until ends the grace window (kindGrace).
	Until int64 `json:"until,omitempty"`
}

const (
	kindRefresh = "rt"
	kindGrace   = "grace"
)

// tokenHash is the hex SHA-256 of an access token: rows are found by it, and
// the token itself is stored nowhere.
func tokenHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return hex.EncodeToString(sum[:])
}

// A user's rows, locks and row set share one store key group (see package
// store), {u:<group>}, named after the user's subject (the access token's
// sub, hashed: it may hold any character): every SetMany and multi-key Delete
// of a refresh or a logout stays on one node of a Redis Cluster, while users
// spread over every node. The group is found from any access token of the
// chain, even one that no longer verifies, without the tenant: it places
// keys and grants nothing (a row is still found only by the exact token's
// hash). Users of two user bases with one subject share a group, not a set.
func userGroup(subject string) string {
	h := sha256.Sum256([]byte(subject))
	return hex.EncodeToString(h[:16])
}

func (m *Manager) rowKey(group, hash string) string {
	return m.cfg.KeyPrefix + "{u:" + group + "}:rt:" + hash
}

func (m *Manager) lockKey(group, hash string) string {
	return m.cfg.KeyPrefix + "{u:" + group + "}:lock:" + hash
}

// subjectOf reads the sub claim of a JWT without verifying it, to find its
// rows' group; "" when it is no JWT (no row can be found under it then).
func subjectOf(token string) string {
	parts := strings.SplitN(token, ".", 4)
	if len(parts) != 3 {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var c struct {
		Sub string `json:"sub"`
	}
	if json.Unmarshal(b, &c) != nil {
		return ""
	}
	return c.Sub
}

// sealRow encrypts r for the store key key.
func (m *Manager) sealRow(key string, r row) []byte {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // strings and integers always marshal
	}
	return m.keys.seal(key, b)
}

// openRow decrypts and decodes what sealRow wrote under key.
func (m *Manager) openRow(key string, value []byte) (row, error) {
	b, err := m.keys.open(key, value)
	if err != nil {
		return row{}, err
	}
	var r row
	if err := json.Unmarshal(b, &r); err != nil || (r.Kind != kindRefresh && r.Kind != kindGrace) {
		return row{}, fmt.Errorf("%w: unknown row", errCorrupt)
	}
	return r, nil
}
