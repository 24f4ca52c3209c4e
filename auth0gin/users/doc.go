// Package users resolves the caller of a request into the app's own user
// row: the FastAPI-style "current user" dependency, declared on the route
// after the guard and read from the context by handlers, services and
// GraphQL resolvers.
//
//	import "github.com/auth0gin/auth0gin/auth0gin/users"
//	import _ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite" // or store/postgres: registers the database/sql driver
//
//	me, err := users.New(ctx, auth, users.FromEnv()) // DATABASE_URL; AUTH0_M2M_CLIENT_ID for the Management API
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer me.Close()
//	r.GET("/api/me", auth.RequireScopes(), me.Require(), func(c *gin.Context) {
//		u, _ := users.From[users.User](c) // also from a context.Context
//		c.JSON(200, u)                    // annotate it: @Success 200 {object} users.User
//	})
//
// users.User is the library's user model, kept in a table of its own
// (Config.DatabaseURL, Config.Table). An app with a user table of its own
// keeps it: implement Store over its type and pass it in a Config of that
// type, users.New(ctx, auth, users.Config[Account]{Store: accounts}), then
// read users.From[Account](c).
//
// The middleware runs after auth0gin's guard, so it works the same for a
// Bearer token and for a session cookie (package session): it reads the
// verified *auth0gin.Auth0User the guard attached.
//
// # Resolution
//
// The app's row is always the current user:
//
//  1. A machine token (client credentials) is a Machine (MachineFrom), never
//     a row.
//  2. A user cached for this Auth0 id (Config.CacheTTL) is served from
//     memory; the hot path takes a read lock and asks nothing else.
//  3. Store.FindByAuth0ID: the row linked to the Auth0 id.
//  4. Otherwise the profile: from the token's claims when they carry an
//     email, its verification flag and a name (Config.NameClaim & co.),
//     otherwise from the Management API (Config.Management), or else
//     /userinfo with the caller's token, whose answer wins on email
//     verification. A profile with neither a name nor an email is logged
//     as a warning, once per user: the row would be silently empty.
//  5. Store.LinkByEmail, only for a verified email: an unlinked row with
//     that email (an imported or invited user) gets the Auth0 id. A row
//     already linked to another Auth0 identity is never taken over, and an
//     unverified email never links: either would let whoever controls an
//     identity provider's unverified address into someone else's row.
//  6. Store.Create: a new row from the profile.
//
// Errors never reach the caller as a 500. A store that cannot answer is 503
// with Retry-After (its error wraps auth0gin.ErrUnavailable); a store's "no
// such row" is store.ErrNotFound. When Auth0 cannot give a new user's
// profile (5xx, a timeout, a 429 past the client's retries), the answer is
// 503 with Retry-After, or, with Config.Transient, a claims-only user that
// is neither persisted nor cached. A row is written in one statement from a
// whole profile, so an outage never leaves half a row.
//
// # Exactly one creation
//
// Within one process, concurrent first requests for one Auth0 id share one
// resolution (golang.org/x/sync/singleflight): 100 of them make one lookup,
// one profile fetch and one INSERT. The resolution runs on a context of its
// own, bounded by Config.Timeout, so one caller hanging up does not fail the
// others.
//
// Across processes the database decides: the Auth0 id column is unique, and
// Create is INSERT ... ON CONFLICT DO NOTHING; the loser reads the winner's
// row back. Two instances seeing a new user at once make one
// row, and each fetches the profile at most once. We chose this over a
// PostgreSQL advisory lock around the fetch, which would make the fetch
// exactly once: the constraint works with any Store (SQLite, an app's own
// table, other databases), holds no database connection and no lock while
// Auth0 is called (an Auth0 outage would otherwise pin one connection per
// waiting user), and its cost, one extra profile fetch per extra instance
// per new user, is small and bounded.
//
// # Cache
//
// Resolved users are kept per Auth0 id for Config.CacheTTL (default one
// minute), bounded by Config.CacheSize. Call Invalidate after changing or
// deleting a row; other instances see the change when their entry expires.
// Claims-only users and errors are never cached.
//
// # Stores
//
// Store[U] is generic over the app's own user type: implement its three
// methods over your table. Without one, the resolver keeps users.User in
// the library's table (id, auth0_id unique, email, name, picture,
// created_at, updated_at), created on New in the database of
// Config.DatabaseURL: empty for SQLite in memory, sqlite:///path/app.db, or
// postgres://... The database is reached through database/sql with the
// driver the app registers by a blank import, the same import that selects
// the session store's backend: store/sqlite (or modernc.org/sqlite) for
// SQLite, store/postgres (or github.com/jackc/pgx/v5/stdlib) for
// PostgreSQL. Importing this package links no database driver, and New
// names the import a URL needs when it is missing.
package users
