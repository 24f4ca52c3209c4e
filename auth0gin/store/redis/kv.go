package redis

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	goredis "github.com/redis/go-redis/v9"
)

// Get returns the value of key, or store.ErrNotFound.
func (s *backend) Get(ctx context.Context, key string) ([]byte, error) {
	if err := s.begin("get"); err != nil {
		return nil, err
	}
	k := s.key(key)
	v, err := s.c.Get(ctx, k).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, s.done(ctx, "get", k, err)
	}
	return v, nil
}

// Set stores value under key until expiresAt (SET PX); an expiresAt not in
// the future removes key.
func (s *backend) Set(ctx context.Context, key string, value []byte, expiresAt time.Time) error {
	d := ttl(expiresAt)
	if d == 0 {
		return s.Delete(ctx, key)
	}
	if err := s.begin("set"); err != nil {
		return err
	}
	k := s.key(key)
	return s.done(ctx, "set", k, s.c.Set(ctx, k, nonNil(value), d).Err())
}

// SetMany stores entries in one MULTI/EXEC transaction (a SET PX for each
// live entry, a DEL for each expired one), so Redis applies them all at once
// or none; later entries of one key win, as they run later. On a cluster the
// keys must share one group.
func (s *backend) SetMany(ctx context.Context, entries ...store.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	if err := s.begin("set many"); err != nil {
		return err
	}
	keys := make([]string, len(entries))
	for i, e := range entries {
		keys[i] = s.key(e.Key)
	}
	if err := s.oneGroup("set many", keys); err != nil {
		return err
	}
	_, err := s.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		for i, e := range entries {
			if d := ttl(e.ExpiresAt); d > 0 {
				p.Set(ctx, keys[i], nonNil(e.Value), d)
			} else {
				p.Del(ctx, keys[i])
			}
		}
		return nil
	})
	return s.done(ctx, "set many", keys[0], err)
}

// Add stores value under key until expiresAt when key holds nothing (SET NX
// PX), and reports whether it did.
func (s *backend) Add(ctx context.Context, key string, value []byte, expiresAt time.Time) (bool, error) {
	d := ttl(expiresAt)
	if d == 0 {
		return false, nil
	}
	if err := s.begin("add"); err != nil {
		return false, err
	}
	k := s.key(key)
	// SET NX answers OK or nil; a nil reply (goredis.Nil) means "not set".
	err := s.c.SetArgs(ctx, k, nonNil(value), goredis.SetArgs{Mode: "NX", TTL: d}).Err()
	if errors.Is(err, goredis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, s.done(ctx, "add", k, err)
	}
	return true, nil
}

// Delete removes keys (one DEL; on a cluster the keys must share one group).
func (s *backend) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	if err := s.begin("delete"); err != nil {
		return err
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = s.key(k)
	}
	if err := s.oneGroup("delete", full); err != nil {
		return err
	}
	return s.done(ctx, "delete", full[0], s.c.Del(ctx, full...).Err())
}

// incr counts and, on the call that created the counter (it has no TTL yet),
// gives it its expiry, in one atomic step. A counter left from before has its
// TTL and keeps it. KEYS[1] counter; ARGV[1] TTL in ms (0: already past).
var incr = goredis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) == -1 then
  local ttl = tonumber(ARGV[1])
  if ttl > 0 then
    redis.call('PEXPIRE', KEYS[1], ttl)
  else
    redis.call('DEL', KEYS[1])
  end
end
return n
`)

// Incr adds one to the counter under key (INCR) and, when that created it,
// sets its expiry, in one script: one round trip, atomic on the server.
func (s *backend) Incr(ctx context.Context, key string, expiresAt time.Time) (int64, error) {
	if err := s.begin("incr"); err != nil {
		return 0, err
	}
	k := s.key(key)
	n, err := incr.Run(ctx, s.c, []string{k}, strconv.FormatInt(ttl(expiresAt).Milliseconds(), 10)).Int64()
	if err != nil {
		return 0, s.done(ctx, "incr", k, err)
	}
	return n, nil
}

// nonNil sends an empty value for a nil one (go-redis would too; this says so).
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
