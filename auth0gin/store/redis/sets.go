package redis

import (
	"context"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// addMember adds or moves one member, drops members already expired, and
// sets the key's TTL to follow its last member, in one atomic step.
// KEYS[1] set; ARGV[1] member, ARGV[2] its expiry, ARGV[3] now (Unix ms).
var addMember = goredis.NewScript(`
local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if tonumber(ARGV[2]) <= now then
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
end
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if #last == 0 then
  return 0
end
redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(last[2]) - now))
return 1
`)

// AddMember adds member to set until expiresAt, or moves its expiry; an
// expiresAt not in the future removes the member.
func (s *backend) AddMember(ctx context.Context, set, member string, expiresAt time.Time) error {
	if err := s.begin("add member"); err != nil {
		return err
	}
	now := time.Now().UnixMilli()
	k := s.set(set)
	err := addMember.Run(ctx, s.c, []string{k},
		member, strconv.FormatInt(expiresAt.UnixMilli(), 10), strconv.FormatInt(now, 10)).Err()
	if err == goredis.Nil {
		err = nil
	}
	return s.done(ctx, "add member", k, err)
}

// Members lists the live members of set: those scored after now.
func (s *backend) Members(ctx context.Context, set string) ([]string, error) {
	if err := s.begin("members"); err != nil {
		return nil, err
	}
	now := time.Now().UnixMilli()
	k := s.set(set)
	members, err := s.c.ZRangeArgs(ctx, goredis.ZRangeArgs{
		Key: k, Start: "(" + strconv.FormatInt(now, 10), Stop: "+inf", ByScore: true,
	}).Result()
	if err != nil {
		return nil, s.done(ctx, "members", k, err)
	}
	if members == nil {
		members = []string{}
	}
	return members, nil
}

// RemoveMember removes members from set.
func (s *backend) RemoveMember(ctx context.Context, set string, members ...string) error {
	if len(members) == 0 {
		return nil
	}
	if err := s.begin("remove member"); err != nil {
		return err
	}
	args := make([]any, len(members))
	for i, m := range members {
		args[i] = m
	}
	k := s.set(set)
	return s.done(ctx, "remove member", k, s.c.ZRem(ctx, k, args...).Err())
}
