// Package redis is a store.Store on Redis, through
// github.com/redis/go-redis/v9.
//
//	import "github.com/auth0gin/auth0gin/auth0gin/store/redis"
//
// Values expire by Redis's own TTLs (SET … PX), and Add is SET NX PX, atomic
// for every instance of an app on the server. A set is a sorted set scored by
// each member's expiry (Unix milliseconds), so members expire one by one; the
// key itself carries a TTL that follows its last member. Publish and
// Subscribe are Redis pub/sub; a subscription survives a reconnect (messages
// published while it was disconnected are lost, as pub/sub always allows).
//
// Every key and channel is put under a prefix (WithKeyPrefix; default
// "auth0gin:"), then "k:" for values, "s:" for sets and "c:" for channels, so
// a value and a set of the same name never collide. Connection failures and
// timeouts are returned wrapping store.ErrUnavailable; the dial, read and
// write timeouts are short by default (1s) so that an outage is reported
// quickly instead of hanging requests.
package redis
