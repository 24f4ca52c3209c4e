package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/internal/batch"
)

// Get returns the value of key, or store.ErrNotFound.
func (s *backend) Get(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	err := s.rdb.QueryRowContext(ctx,
		`SELECT v FROM auth0gin_kv WHERE k = ? AND exp > ?`, []byte(key), s.now()).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
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
	exp := ms(expiresAt)
	if exp <= s.now() {
		return s.Delete(ctx, key)
	}
	_, err := s.wdb.ExecContext(ctx,
		`INSERT INTO auth0gin_kv (k, v, exp) VALUES (?, ?, ?)
		 ON CONFLICT (k) DO UPDATE SET v = excluded.v, exp = excluded.exp`,
		[]byte(key), nonNil(value), exp)
	return check("set", err)
}

// SetMany stores entries in one transaction on the write connection (BEGIN
// IMMEDIATE): a DELETE of the expired entries' keys and a multi-row upsert of
// the live ones, each one statement unless the entries are many. The last
// entry of a key wins.
func (s *backend) SetMany(ctx context.Context, entries ...store.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	live, gone := batch.Split(entries, s.now())
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return check("set many", err)
	}
	defer func() { _ = tx.Rollback() }()
	for len(gone) > 0 {
		part := gone[:min(len(gone), maxParams)]
		gone = gone[len(part):]
		args := make([]any, len(part))
		for i, k := range part {
			args[i] = k
		}
		if _, err := tx.ExecContext(ctx,
			`DELETE FROM auth0gin_kv WHERE k IN (`+placeholders(len(part))+`)`, args...); err != nil {
			return check("set many", err)
		}
	}
	for len(live) > 0 {
		part := live[:min(len(live), maxParams/3)]
		live = live[len(part):]
		args := make([]any, 0, 3*len(part))
		for _, r := range part {
			args = append(args, r.Key, r.Value, r.Exp)
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO auth0gin_kv (k, v, exp) VALUES `+strings.TrimSuffix(strings.Repeat("(?, ?, ?),", len(part)), ",")+`
			 ON CONFLICT (k) DO UPDATE SET v = excluded.v, exp = excluded.exp`, args...); err != nil {
			return check("set many", err)
		}
	}
	return check("set many", tx.Commit())
}

// Add stores value under key until expiresAt when key holds no live value.
// One statement does it (an upsert whose update applies only over an expired
// row), so it is atomic across connections and processes.
func (s *backend) Add(ctx context.Context, key string, value []byte, expiresAt time.Time) (bool, error) {
	now, exp := s.now(), ms(expiresAt)
	if exp <= now {
		return false, nil
	}
	res, err := s.wdb.ExecContext(ctx,
		`INSERT INTO auth0gin_kv (k, v, exp) VALUES (?, ?, ?)
		 ON CONFLICT (k) DO UPDATE SET v = excluded.v, exp = excluded.exp
		 WHERE auth0gin_kv.exp <= ?`,
		[]byte(key), nonNil(value), exp, now)
	if err != nil {
		return false, check("add", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, check("add", err)
	}
	return n == 1, nil
}

// Delete removes keys.
func (s *backend) Delete(ctx context.Context, keys ...string) error {
	for len(keys) > 0 {
		batch := keys[:min(len(keys), maxParams)]
		keys = keys[len(batch):]
		args := make([]any, len(batch))
		for i, k := range batch {
			args[i] = []byte(k)
		}
		if _, err := s.wdb.ExecContext(ctx,
			`DELETE FROM auth0gin_kv WHERE k IN (`+placeholders(len(batch))+`)`, args...); err != nil {
			return check("delete", err)
		}
	}
	return nil
}

// maxParams bounds the parameters of one statement, well under SQLite's
// limit.
const maxParams = 500

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// nonNil keeps an empty value from being stored as NULL.
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
	var n int64
	err := s.wdb.QueryRowContext(ctx,
		`INSERT INTO auth0gin_kv (k, v, exp) VALUES (?1, X'31', ?2)
		 ON CONFLICT (k) DO UPDATE SET
		   v = CASE WHEN auth0gin_kv.exp <= ?3 THEN X'31'
		       ELSE CAST(CAST(CAST(auth0gin_kv.v AS TEXT) AS INTEGER) + 1 AS BLOB) END,
		   exp = CASE WHEN auth0gin_kv.exp <= ?3 THEN excluded.exp ELSE auth0gin_kv.exp END
		 WHERE auth0gin_kv.exp <= ?3
		    OR CAST(CAST(CAST(auth0gin_kv.v AS TEXT) AS INTEGER) AS TEXT) = CAST(auth0gin_kv.v AS TEXT)
		 RETURNING CAST(CAST(v AS TEXT) AS INTEGER)`,
		[]byte(key), ms(expiresAt), s.now()).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errNotCounter
	}
	if err != nil {
		return 0, check("incr", err)
	}
	return n, nil
}

// errNotCounter is Incr's error for a key holding something else.
var errNotCounter = errors.New("sqlite store: incr: the key holds a value that is not a decimal integer")
