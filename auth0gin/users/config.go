package users

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/internal/envfile"

	"github.com/auth0gin/auth0gin/auth0gin/management"
)

// Environment variables read by FromEnv (see its doc).
const (
	envDatabaseURL = "DATABASE_URL"
	envM2MClientID = "AUTH0_M2M_CLIENT_ID"
)

// Config configures a Resolver of the app's user type U: users.User, kept by
// the library in the database of DatabaseURL (FromEnv gives this Config),
// or a type of the app's own, kept by its Store. Every field may be left
// zero except Store for a type of your own.
type Config[U any] struct {
	// DatabaseURL is the database of the library's users table, used when
	// Store is nil (U must then be User):
	//
	//	(empty)                          SQLite in memory (one process; lost on exit)
	//	sqlite:///var/lib/app/app.db     SQLite file, absolute path
	//	sqlite:data/app.db               SQLite file, relative to the working directory
	//	postgres://user:pass@host/db     PostgreSQL (or postgresql://); ?schema=name qualifies Table
	//
	// The database is reached through database/sql, by the driver the app
	// registers with a blank import, as the session store's backends are
	// chosen: _ ".../auth0gin/store/sqlite" (or _ "modernc.org/sqlite")
	// registers "sqlite", _ ".../auth0gin/store/postgres" (or
	// _ "github.com/jackc/pgx/v5/stdlib") registers "pgx". Package users
	// imports no driver; New names the import that is missing.
	DatabaseURL string
	// Table is the library's users table, optionally schema-qualified
	// ("app.users"); default "users". It is created if it does not exist:
	// id, auth0_id (unique), email, name, picture, created_at, updated_at.
	// Rows the app inserts with an email and no auth0_id (imported or
	// invited users) are linked on the first sight of that verified email.
	Table string
	// Store is the app's own user table, over its own type U (see Store).
	// Nil: the library's table in DatabaseURL.
	Store Store[U]

	// Management is the Management API client new users' profiles are
	// fetched from when the token's claims do not carry them (it needs the
	// read:users scope). Nil, with an Auth0 given to New: the profile comes
	// from the tenant's /userinfo with the caller's own token (which then
	// needs the openid profile email scopes).
	Management *management.Client
	// Profiles, when set, is the profile source instead: one of your own.
	Profiles ProfileSource

	// EmailClaim names the claim holding the email (default the core's
	// Config.EmailClaim, else `email`, which Auth0User.Email holds).
	// EmailVerifiedClaim (default `email_verified`), NameClaim (default
	// `name`) and PictureClaim (default `picture`) name the others. "-"
	// means the tokens never carry that claim. An email counts as verified
	// only when its verification claim is true.
	EmailClaim, EmailVerifiedClaim, NameClaim, PictureClaim string

	// Transient, when set, lets a new user's first requests through during
	// an Auth0 outage (no profile to be had) with the user it builds from
	// the token's claims: persisted nowhere, not cached, and marked
	// Current.Transient; the next request tries again. Nil: such requests
	// are answered 503 with Retry-After, and the row is created once Auth0
	// answers.
	Transient func(Profile) U

	// CacheTTL is how long a resolved user is served from memory without
	// asking Store (default one minute; negative: no cache). A change to a
	// row is seen by other instances after at most this long, or at once
	// where the app calls Invalidate.
	CacheTTL time.Duration
	// CacheSize bounds the cache (default 10,000 users).
	CacheSize int
	// Timeout bounds one resolution: store calls and the profile fetch
	// (default 10 s). It runs on its own deadline, shared by every request
	// waiting on it, so one caller giving up does not fail the others.
	Timeout time.Duration
	// RetryAfter is the Retry-After of a 503 when the cause gives none
	// (default 5 s).
	RetryAfter time.Duration
	// Logger receives warnings: outages, and profiles with neither a name
	// nor an email (default slog.Default()). No token is ever logged.
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time

	// mgmt is the Management API configuration FromEnv read, made into a
	// client by New (with the Auth0's domain when AUTH0_DOMAIN is unset).
	mgmt *management.Config
	// envErr is a .env FromEnv could not read, reported by New.
	envErr error
}

// FromEnv reads the Config of a Resolver of users.User from the environment,
// loading `.env` from the working directory first when it exists (variables
// already set win):
//
//	DATABASE_URL             the database of the users table (Config.DatabaseURL;
//	                         empty: SQLite in memory)
//	AUTH0_M2M_CLIENT_ID      when set, with AUTH0_M2M_CLIENT_SECRET (and the optional
//	                         AUTH0_DOMAIN, AUTH0_MANAGEMENT_AUDIENCE, as
//	                         management.FromEnv reads them): new users' profiles
//	                         come from the Management API; else from /userinfo
//
// A bad value is reported by New:
//
//	res, err := users.New(ctx, auth, users.FromEnv())
func FromEnv() Config[User] {
	if err := envfile.Load(); err != nil {
		return Config[User]{envErr: fmt.Errorf("users: %w", err)}
	}
	cfg := Config[User]{DatabaseURL: strings.TrimSpace(os.Getenv(envDatabaseURL))}
	if strings.TrimSpace(os.Getenv(envM2MClientID)) != "" {
		mc := management.FromEnv()
		cfg.mgmt = &mc
	}
	return cfg
}
