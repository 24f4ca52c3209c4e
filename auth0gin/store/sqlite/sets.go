package sqlite

import (
	"context"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store/internal/rowscan"
)

// AddMember adds member to set until expiresAt, or moves its expiry; an
// expiresAt not in the future removes the member.
func (s *backend) AddMember(ctx context.Context, set, member string, expiresAt time.Time) error {
	exp := ms(expiresAt)
	if exp <= s.now() {
		return s.RemoveMember(ctx, set, member)
	}
	_, err := s.wdb.ExecContext(ctx,
		`INSERT INTO auth0gin_members (s, m, exp) VALUES (?, ?, ?)
		 ON CONFLICT (s, m) DO UPDATE SET exp = excluded.exp`,
		[]byte(set), []byte(member), exp)
	return check("add member", err)
}

// Members lists the live members of set.
func (s *backend) Members(ctx context.Context, set string) ([]string, error) {
	rows, err := s.rdb.QueryContext(ctx,
		`SELECT m FROM auth0gin_members WHERE s = ? AND exp > ?`, []byte(set), s.now())
	if err != nil {
		return nil, check("members", err)
	}
	defer rows.Close()
	members, err := rowscan.Strings(rows)
	if err != nil {
		return nil, check("members", err)
	}
	return members, nil
}

// RemoveMember removes members from set.
func (s *backend) RemoveMember(ctx context.Context, set string, members ...string) error {
	for len(members) > 0 {
		batch := members[:min(len(members), maxParams)]
		members = members[len(batch):]
		args := make([]any, 0, len(batch)+1)
		args = append(args, []byte(set))
		for _, m := range batch {
			args = append(args, []byte(m))
		}
		if _, err := s.wdb.ExecContext(ctx,
			`DELETE FROM auth0gin_members WHERE s = ? AND m IN (`+placeholders(len(batch))+`)`, args...); err != nil {
			return check("remove member", err)
		}
	}
	return nil
}
