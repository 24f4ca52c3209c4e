package users

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry"
	"github.com/auth0gin/auth0gin/auth0gin/management"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// Resolver turns a verified caller into the app's user row: by Auth0 id,
// else by verified email (linking the row), else by creating the row. See
// the package doc for the flow.
type Resolver[U any] struct {
	cfg     Config[U]
	claims  claimNames
	source  ProfileSource
	srcKind string // "management", "userinfo", "custom" or "" (claims only), for the logs
	cache   *cache[U]
	flight  singleflight.Group
	close   func() error // closes the database New opened; nil for the app's Store
	tel     *usersTel    // OpenTelemetry instruments (telemetry.go)

	warnMu sync.Mutex
	warned map[string]struct{} // Auth0 ids whose empty profile was logged
}

// maxWarned bounds the Auth0 ids remembered for the empty-profile warning.
const maxWarned = 10_000

// New checks cfg, opens the library's users table when cfg has no Store
// (Config.DatabaseURL, migrated within ctx), and returns a Resolver:
//
//	me, err := users.New(ctx, auth, users.FromEnv()) // *Resolver[users.User]
//
// or, over a table of the app's own:
//
//	me, err := users.New(ctx, auth, users.Config[Account]{Store: accounts})
//
// auth is the guard's Auth0: with no Config.Management or Config.Profiles,
// new users' profiles come from its tenant's /userinfo. It may be nil
// (profiles then come from the claims alone, or from Config.Management).
// Call Close when done. Configuration errors wrap auth0gin.ErrConfig; a
// database that cannot be reached wraps auth0gin.ErrUnavailable.
func New[U any](ctx context.Context, auth *auth0gin.Auth0, cfg Config[U]) (*Resolver[U], error) {
	bad := func(format string, args ...any) (*Resolver[U], error) {
		return nil, fmt.Errorf("%w: users: %s", auth0gin.ErrConfig, fmt.Sprintf(format, args...))
	}
	if cfg.envErr != nil {
		return nil, fmt.Errorf("%w: %w", auth0gin.ErrConfig, cfg.envErr)
	}
	if cfg.CacheTTL == 0 {
		cfg.CacheTTL = time.Minute
	}
	if cfg.CacheSize <= 0 {
		cfg.CacheSize = 10_000
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.Logger = telemetry.Logger(cfg.Logger) // records carry trace_id and span_id
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	r := &Resolver[U]{claims: claimsOf(cfg), warned: map[string]struct{}{}, tel: newUsersTel(auth)}

	if cfg.Management == nil && cfg.mgmt != nil {
		mc := *cfg.mgmt
		if mc.Domain == "" && auth != nil {
			mc.Domain = auth.Config().Domain
		}
		if mc.Logger == nil {
			mc.Logger = cfg.Logger
		}
		if auth != nil && mc.MeterProvider == nil && mc.TracerProvider == nil {
			mc.MeterProvider, mc.TracerProvider = auth.Config().MeterProvider, auth.Config().TracerProvider
		}
		client, err := management.New(mc)
		if err != nil {
			return nil, fmt.Errorf("users: the Management API client: %w", err)
		}
		cfg.Management = client
	}
	var home, legacy string // the first issuer's user base; the only one, if there is one
	if auth != nil {
		ac := auth.Config()
		bases := map[string]bool{}
		for _, iss := range ac.Issuers {
			bases[userBaseOf(ac, iss)] = true
		}
		home = userBaseOf(ac, ac.Issuers[0])
		if len(bases) == 1 {
			legacy = home
		}
	}
	switch {
	case cfg.Profiles != nil:
		r.source, r.srcKind = cfg.Profiles, "custom"
	case cfg.Management != nil:
		r.source, r.srcKind = managementSource{client: cfg.Management, home: home}, "management"
	case auth != nil:
		r.source, r.srcKind = userinfoSource{client: r.tel.client(nil)}, "userinfo"
	}

	if cfg.Store == nil {
		var zero U
		if _, ok := any(zero).(User); !ok {
			return bad("Config.Store is required for a user type of the app's own (%T); DatabaseURL keeps users.User", zero)
		}
		st, err := openSQL(ctx, cfg.DatabaseURL, cfg.Table, cfg.Now, legacy)
		if err != nil {
			return nil, err
		}
		if cfg.DatabaseURL == "" {
			cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "users: DATABASE_URL is empty: users are kept in SQLite in memory, lost on exit")
		}
		st.tel = r.tel // counts the creation races it loses
		cfg.Store, r.close = any(st).(Store[U]), st.Close
	} else if cfg.DatabaseURL != "" || cfg.Table != "" {
		return bad("Config.DatabaseURL and Table are for the library's table; with a Store of your own, leave them empty")
	}
	r.cfg = cfg
	r.cache = newCache[U](cfg.CacheTTL, cfg.CacheSize, cfg.Now)
	return r, nil
}

// userBaseOf is the user base of the trusted issuer iss under c: the first
// issuer of its SharedUserBases group, or iss (as Auth0User.UserBase).
func userBaseOf(c auth0gin.Config, iss string) string {
	for _, g := range c.SharedUserBases {
		if slices.Contains(g, iss) {
			return g[0]
		}
	}
	return iss
}

// Close closes the database New opened for the library's users table; a
// Store of the app's own is left to the app.
func (r *Resolver[U]) Close() error {
	if r.close == nil {
		return nil
	}
	return r.close()
}

// Invalidate forgets the cached user (userBase, auth0ID) in this instance
// (Auth0User.UserBase and ID; User.UserBase and Auth0ID): call it after
// changing or deleting the row. A resolution already running (which may
// have read the row before the change) caches nothing, and later requests
// do not wait for it but read the row again.
func (r *Resolver[U]) Invalidate(userBase, auth0ID string) {
	k := identity(userBase, auth0ID)
	r.cache.delete(k)
	r.flight.Forget(k)
}

// identity is the key of a user in the cache and the in-flight lookups:
// (user base, Auth0 id), never the id alone.
func identity(userBase, auth0ID string) string {
	return userBase + "\x00" + auth0ID // a user base is a URL: it holds no NUL
}

// InvalidateAll empties this instance's cache.
func (r *Resolver[U]) InvalidateAll() { r.cache.clear() }

// Resolve returns the current user of a verified caller. Errors are
// *auth0gin.AuthError values: 503 with Retry-After when the store or (without
// Config.Transient) Auth0 cannot answer. Nothing is persisted unless the whole
// profile was known.
func (r *Resolver[U]) Resolve(ctx context.Context, u *auth0gin.Auth0User) (*Current[U], error) {
	if u.IsM2M() {
		return &Current[U]{Machine: &Machine{ClientID: u.ClientID, Subject: u.ID}}, nil
	}
	if u.UserBase == "" {
		// Set at verification: a user built by hand names no user base, and
		// keying it by its id alone could hand it another tenant's row.
		return nil, errors.New("users: the caller has no UserBase (an Auth0User that Verify did not make)")
	}
	key := identity(u.UserBase, u.ID)
	if cur, ok := r.cache.get(key); ok {
		return cur, nil
	}
	// One flight per user: 100 concurrent first requests make one
	// lookup, one profile fetch and one row. The flight runs on a context
	// of its own (keeping ctx's values, such as the caller's token for
	// /userinfo) so that a caller hanging up does not fail the others.
	ch := r.flight.DoChan(key, func() (any, error) {
		gen := r.cache.generation()
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.Timeout)
		defer cancel()
		cur, err := r.resolve(fctx, u)
		if err == nil && !cur.Transient {
			r.cache.putIf(key, cur, gen)
		}
		return cur, err
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*Current[U]), nil
	case <-ctx.Done():
		return nil, auth0gin.Unavailable("the request ended before the user was resolved", r.cfg.RetryAfter, ctx.Err())
	}
}

// resolve is one flight: find, link or create.
func (r *Resolver[U]) resolve(ctx context.Context, u *auth0gin.Auth0User) (*Current[U], error) {
	row, err := r.cfg.Store.FindByAuth0ID(ctx, u.UserBase, u.ID)
	if err == nil {
		r.tel.resolved(ctx, pathID)
		return &Current[U]{User: row}, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, r.storeDown(ctx, err)
	}

	p, complete := r.claims.fromClaims(u)
	if !complete && r.source != nil {
		// A zero Profile (nothing to ask, as for a cookie request and
		// /userinfo) merges into the claims alone.
		fetched, err := r.source.Profile(ctx, u.UserBase, u.ID)
		r.tel.profile(ctx, r.srcKind, err)
		if err != nil {
			return r.outage(ctx, p, err)
		}
		p = merge(p, fetched)
	}
	p = clean(p)

	if p.Email != "" && p.EmailVerified {
		row, err := r.cfg.Store.LinkByEmail(ctx, p.Email, u.UserBase, u.ID)
		switch {
		case err == nil:
			r.tel.resolved(ctx, pathEmailLink)
			return &Current[U]{User: row}, nil
		case !errors.Is(err, store.ErrNotFound):
			return nil, r.storeDown(ctx, err)
		}
	}

	r.warnIfEmpty(ctx, p)
	// Create returns the row another instance created between our lookup
	// and our insert, if one did: the unique constraint decides.
	row, err = r.cfg.Store.Create(ctx, p)
	if err != nil {
		return nil, r.storeDown(ctx, err)
	}
	r.tel.resolved(ctx, pathCreate)
	return &Current[U]{User: row}, nil
}

// warnIfEmpty logs, once per Auth0 id, a profile with neither a name nor an
// email: the row would be silently empty, most often because the token
// lacks the scopes (or the claims) that carry them.
func (r *Resolver[U]) warnIfEmpty(ctx context.Context, p Profile) {
	if p.Name != "" || p.Email != "" {
		return
	}
	r.warnMu.Lock()
	_, seen := r.warned[p.Auth0ID]
	if !seen {
		if len(r.warned) >= maxWarned {
			clear(r.warned)
		}
		r.warned[p.Auth0ID] = struct{}{}
	}
	r.warnMu.Unlock()
	if seen {
		return
	}
	var hint string
	switch r.srcKind {
	case "userinfo":
		hint = "/userinfo gave nothing: request tokens with the openid profile email scopes, or set Config.Management (AUTH0_M2M_CLIENT_ID)"
	case "management":
		hint = "the Auth0 user has neither"
	case "custom":
		hint = "Config.Profiles gave neither"
	default:
		hint = "the token's claims carry neither, and no profile source is set: pass the Auth0 to New (for /userinfo) or set Config.Management"
	}
	r.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "users: the new user's profile has neither a name nor an email",
		slog.String("auth0_id", p.Auth0ID), slog.String("profiles", cmp.Or(r.srcKind, "claims")), slog.String("hint", hint))
}

// maxRetryAfter bounds the Retry-After a profile source's answer can set on
// a 503: a broken or hostile header must not send clients away for years.
const maxRetryAfter = time.Hour

// outage answers a failed profile fetch: 503, or a claims-only user with
// Config.Transient.
func (r *Resolver[U]) outage(ctx context.Context, claims Profile, err error) (*Current[U], error) {
	r.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "users: profile fetch failed",
		slog.String("auth0_id", claims.Auth0ID), slog.String("err", err.Error()))
	if r.cfg.Transient != nil {
		return &Current[U]{User: r.cfg.Transient(claims), Transient: true}, nil
	}
	wait := r.cfg.RetryAfter
	var ae *auth0gin.AuthError
	if errors.As(err, &ae) && ae.RetryAfter > 0 {
		wait = min(ae.RetryAfter, maxRetryAfter)
	}
	return nil, auth0gin.Unavailable("the user's profile cannot be fetched from Auth0 now", wait, err)
}

func (r *Resolver[U]) storeDown(ctx context.Context, err error) error {
	r.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "users: user store unavailable", slog.String("err", err.Error()))
	return auth0gin.Unavailable("the user store cannot answer now", r.cfg.RetryAfter, err)
}
