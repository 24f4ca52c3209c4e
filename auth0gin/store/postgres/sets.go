package postgres

import (
	"context"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store/internal/rowscan"
)

// AddMember adds member to set until expiresAt, or moves its expiry; an
// expiresAt not in the future removes the member.
func (s *backend) AddMember(ctx context.Context, set, member string, expiresAt time.Time) error {
	exp := expiresAt.UnixMilli()
	if exp <= s.now() {
		return s.RemoveMember(ctx, set, member)
	}
	if s.closed() {
		return errClosed
	}
	ctx, cancel := s.opCtx(ctx)
	defer cancel()
	_, err := s.pool.Exec(ctx,
		`INSERT INTO `+s.mem+` (s, m, exp) VALUES ($1, $2, $3)
		 ON CONFLICT (s, m) DO UPDATE SET exp = EXCLUDED.exp`,
		[]byte(set), []byte(member), exp)
	return check("add member", err)
}

// Members lists the live members of set.
func (s *backend) Members(ctx context.Context, set string) ([]string, error) {
	if s.closed() {
		return nil, errClosed
	}
	ctx, cancel := s.opCtx(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT m FROM `+s.mem+` WHERE s = $1 AND exp > $2`, []byte(set), s.now())
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
	if len(members) == 0 {
		return nil
	}
	if s.closed() {
		return errClosed
	}
	ctx, cancel := s.opCtx(ctx)
	defer cancel()
	_, err := s.pool.Exec(ctx, `DELETE FROM `+s.mem+` WHERE s = $1 AND m = ANY($2)`, []byte(set), bytesOf(members))
	return check("remove member", err)
}
