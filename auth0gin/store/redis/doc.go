// Package redis is a store.Store on Redis, through
// github.com/redis/go-redis/v9: one server, a Sentinel setup or a Redis
// Cluster. Importing it registers these URL schemes with store.Open:
//
//	import _ "github.com/auth0gin/auth0gin/auth0gin/store/redis"
//
//	redis://user:password@host:6379/0?key_prefix=app:           one server (rediss:// for TLS)
//	redis+cluster://h1:7000?addr=h2:7001&addr=h3:7002           a cluster (rediss+cluster://)
//	redis+sentinel://s1:26379/0?master_name=mymaster&addr=s2:26379
//	                                                            Sentinel (rediss+sentinel://)
//
// After the scheme's "+…" is dropped, each URL is read by go-redis's own
// parser: ParseURL, ParseClusterURL (more seed nodes in addr=) or
// ParseFailoverURL (the host and the addr= are sentinels; master_name is
// required; a user and password in the URL are the sentinels', the
// master's are password= and username=). Each takes go-redis's options
// (dial_timeout, read_timeout, write_timeout, pool_size, max_retries, …)
// and key_prefix, the prefix put before every key, set and channel of the
// store (default "auth0gin:"; give each app its own; no braces). The dial,
// read and write timeouts are 1s unless the URL sets its own, so that an
// outage is reported quickly instead of hanging requests. New builds a store
// on a client of one's own.
//
// Values expire by Redis's own TTLs (SET … PX), and Add is SET NX PX, atomic
// for every instance of an app on the server. Incr is INCR and, on the call
// that created the counter, PEXPIRE, in one script. A set is a sorted set
// scored by each member's expiry (Unix milliseconds), so members expire one
// by one; the key itself carries a TTL that follows its last member.
//
// On a cluster, a key's {group} (see package store) picks its hash slot, so
// a SetMany (MULTI/EXEC) or a Delete of several keys of one group runs on
// one node; keys of several groups are refused with auth0gin.ErrConfig
// before anything is sent, never answered CROSSSLOT.
//
// Publish and Subscribe are PUBLISH and SUBSCRIBE on one server or Sentinel,
// and the sharded SPUBLISH and SSUBSCRIBE (Redis 7 or later) on a cluster: a
// cluster-wide PUBLISH is copied to every node over the cluster bus, so its
// cost grows with the cluster, while SPUBLISH goes only to the shard that
// owns the channel's slot, where its subscribers are connected, and keeps
// one server's ordering. A subscription survives a reconnect and a failover
// (messages published while it was disconnected are lost, as pub/sub
// always allows).
//
// After the key prefix come "k:" for values, "s:" for sets and "c:" for
// channels, so a value and a set of the same name never collide. Connection
// failures and timeouts are returned wrapping auth0gin.ErrUnavailable. A
// store that hangs costs one timeout: once a call has timed out, every call
// is refused at once with auth0gin.ErrUnavailable while one background
// probe (EXISTS of the key that timed out, every 100ms) retries, and calls
// go through again as soon as it answers. On a cluster this pauses the whole
// store while one node hangs, until that node answers or its replica takes
// over.
package redis
