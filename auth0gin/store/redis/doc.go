// Package redis is a store.Store on Redis, through
// github.com/redis/go-redis/v9. Importing it registers the URL schemes
// redis: and rediss: (TLS) with store.Open:
//
//	import _ "github.com/auth0gin/auth0gin/auth0gin/store/redis"
//
//	st, err := store.Open(ctx, "redis://user:password@host:6379/0?key_prefix=app:")
//
// The URL takes go-redis's options (dial_timeout, read_timeout,
// write_timeout, pool_size, max_retries, …) and key_prefix, the prefix put
// before every key, set and channel of the store (default "auth0gin:"; give
// each app its own). The dial, read and write timeouts are 1s unless the URL
// sets its own, so that an outage is reported quickly instead of hanging
// requests. New builds a store on a client of one's own (a cluster, a
// sentinel setup).
//
// Values expire by Redis's own TTLs (SET … PX), and Add is SET NX PX, atomic
// for every instance of an app on the server. A set is a sorted set scored by
// each member's expiry (Unix milliseconds), so members expire one by one; the
// key itself carries a TTL that follows its last member. Publish and
// Subscribe are Redis pub/sub; a subscription survives a reconnect (messages
// published while it was disconnected are lost, as pub/sub always allows).
//
// After the key prefix come "k:" for values, "s:" for sets and "c:" for
// channels, so a value and a set of the same name never collide. Connection
// failures and timeouts are returned wrapping auth0gin.ErrUnavailable.
package redis
