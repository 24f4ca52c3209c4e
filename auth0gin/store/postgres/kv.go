package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/internal/batch"
	"github.com/jackc/pgx/v5"
)

// Get returns the value of key, or store.ErrNotFound.
func (s *backend) Get(ctx context.Context, key string) ([]byte, error) {
	if s.closed() {
		return nil, errClosed
	}
	ctx, cancel := s.opCtx(ctx)
	defer cancel()
	var v []byte
	err := s.pool.QueryRow(ctx, `SELECT v FROM `+s.kv+` WHERE k = $1 AND exp > $2`, []byte(key), s.now()).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, check("get", err)
	}
	if v == nil {
		v = []byte{}
	}
	return v, nil
}

// Set stores value under key until expiresAt; an expiresAt not in the future
// removes key.
func (s *backend) Set(ctx context.Context, key string, value []byte, expiresAt time.Time) error {
	exp := expiresAt.UnixMilli()
	if exp <= s.now() {
		return s.Delete(ctx, key)
	}
	if s.closed() {
		return errClosed
	}
	ctx, cancel := s.opCtx(ctx)
	defer cancel()
	_, err := s.pool.Exec(ctx,
		`INSERT INTO `+s.kv+` (k, v, exp) VALUES ($1, $2, $3)
		 ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v, exp = EXCLUDED.exp`,
		[]byte(key), nonNil(value), exp)
	return check("set", err)
}

// SetMany stores entries in one statement, so in one round trip and one
// transaction: a DELETE of the expired entries' keys (in a WITH clause) and
// one multi-row upsert of the live ones. The last entry of a key wins.
func (s *backend) SetMany(ctx context.Context, entries ...store.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	if s.closed() {
		return errClosed
	}
	live, gone := batch.Split(entries, s.now())
	ks, vs, exps := make([][]byte, len(live)), make([][]byte, len(live)), make([]int64, len(live))
	for i, r := range live {
		ks[i], vs[i], exps[i] = r.Key, r.Value, r.Exp
	}
	if gone == nil {
		gone = [][]byte{}
	}
	ctx, cancel := s.opCtx(ctx)
	defer cancel()
	_, err := s.pool.Exec(ctx,
		`WITH gone AS (DELETE FROM `+s.kv+` WHERE k = ANY($1))
		 INSERT INTO `+s.kv+` (k, v, exp)
		 SELECT * FROM unnest($2::bytea[], $3::bytea[], $4::bigint[])
		 ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v, exp = EXCLUDED.exp`,
		gone, ks, vs, exps)
	return check("set many", err)
}

// Add stores value under key until expiresAt when key holds no live value:
// one INSERT … ON CONFLICT DO UPDATE … WHERE expired, which PostgreSQL runs
// atomically against concurrent inserts of the same key.
func (s *backend) Add(ctx context.Context, key string, value []byte, expiresAt time.Time) (bool, error) {
	now, exp := s.now(), expiresAt.UnixMilli()
	if exp <= now {
		return false, nil
	}
	if s.closed() {
		return false, errClosed
	}
	ctx, cancel := s.opCtx(ctx)
	defer cancel()
	tag, err := s.pool.Exec(ctx,
		`INSERT INTO `+s.kv+` AS t (k, v, exp) VALUES ($1, $2, $3)
		 ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v, exp = EXCLUDED.exp
		 WHERE t.exp <= $4`,
		[]byte(key), nonNil(value), exp, now)
	if err != nil {
		return false, check("add", err)
	}
	return tag.RowsAffected() == 1, nil
}

// Delete removes keys.
func (s *backend) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	if s.closed() {
		return errClosed
	}
	ctx, cancel := s.opCtx(ctx)
	defer cancel()
	_, err := s.pool.Exec(ctx, `DELETE FROM `+s.kv+` WHERE k = ANY($1)`, bytesOf(keys))
	return check("delete", err)
}

func bytesOf(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

// nonNil keeps an empty value from being sent as NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// Incr adds one to the counter under key in one upsert: a new (or expired)
// counter starts at 1 with expiresAt, a live one keeps its expiry. The
// update applies only over a decimal integer, so Incr of another value
// changes nothing and fails.
func (s *backend) Incr(ctx context.Context, key string, expiresAt time.Time) (int64, error) {
	if s.closed() {
		return 0, errClosed
	}
	ctx, cancel := s.opCtx(ctx)
	defer cancel()
	var n int64
	err := s.pool.QueryRow(ctx,
		`INSERT INTO `+s.kv+` AS t (k, v, exp) VALUES ($1, '1'::bytea, $2)
		 ON CONFLICT (k) DO UPDATE SET
		   v = CASE WHEN t.exp <= $3 THEN '1'::bytea
		       ELSE convert_to((encode(t.v, 'escape')::bigint + 1)::text, 'UTF8') END,
		   exp = CASE WHEN t.exp <= $3 THEN EXCLUDED.exp ELSE t.exp END
		 WHERE t.exp <= $3 OR encode(t.v, 'escape') ~ '^(0|-?[1-9][0-9]{0,17})$'
		 RETURNING encode(v, 'escape')::bigint`,
		[]byte(key), expiresAt.UnixMilli(), s.now()).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, errNotCounter
	}
	if err != nil {
		return 0, check("incr", err)
	}
	return n, nil
}

// errNotCounter is Incr's error for a key holding something else.
var errNotCounter = errors.New("postgres store: incr: the key holds a value that is not a decimal integer")
