package redis

import (
	"context"
	"errors"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	goredis "github.com/redis/go-redis/v9"
)

// Get returns the value of key, or store.ErrNotFound.
func (s *backend) Get(ctx context.Context, key string) ([]byte, error) {
	v, err := s.c.Get(ctx, s.key(key)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, check("get", err)
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
	return check("set", s.c.Set(ctx, s.key(key), nonNil(value), d).Err())
}

// SetMany stores entries in one MULTI/EXEC transaction (a SET PX for each
// live entry, a DEL for each expired one), so Redis applies them all at once
// or none; later entries of one key win, as they run later.
func (s *backend) SetMany(ctx context.Context, entries ...store.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	_, err := s.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		for _, e := range entries {
			if d := ttl(e.ExpiresAt); d > 0 {
				p.Set(ctx, s.key(e.Key), nonNil(e.Value), d)
			} else {
				p.Del(ctx, s.key(e.Key))
			}
		}
		return nil
	})
	return check("set many", err)
}

// Add stores value under key until expiresAt when key holds nothing (SET NX
// PX), and reports whether it did.
func (s *backend) Add(ctx context.Context, key string, value []byte, expiresAt time.Time) (bool, error) {
	d := ttl(expiresAt)
	if d == 0 {
		return false, nil
	}
	// SET NX answers OK or nil; a nil reply (goredis.Nil) means "not set".
	err := s.c.SetArgs(ctx, s.key(key), nonNil(value), goredis.SetArgs{Mode: "NX", TTL: d}).Err()
	if errors.Is(err, goredis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, check("add", err)
	}
	return true, nil
}

// Delete removes keys.
func (s *backend) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = s.key(k)
	}
	return check("delete", s.c.Del(ctx, full...).Err())
}

// nonNil sends an empty value for a nil one (go-redis would too; this says so).
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
