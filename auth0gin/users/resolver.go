package users

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// OutagePolicy says what a first request does when Auth0 cannot give the
// profile a new user's row needs.
type OutagePolicy int

const (
	// RefuseOnOutage answers 503 with Retry-After: the client tries again
	// and the row is created once Auth0 answers. The default.
	RefuseOnOutage OutagePolicy = iota
	// ProceedClaimsOnly lets the request through with a user built from the
	// token's claims (Config.Transient), persisted nowhere and not cached;
	// the next request tries again.
	ProceedClaimsOnly
)

// Config configures a Resolver.
type Config[U any] struct {
	// Store is the app's user table. Required.
	Store Store[U]
	// Profiles fetches a new user's profile when the token's claims do not
	// carry it: ManagementSource with a machine client, else
	// UserinfoSource. Nil: rows are created from the claims alone.
	Profiles ProfileSource
	// Claims names the claims a profile is read from.
	Claims ClaimNames
	// OnOutage is what to do when Profiles fails. Default RefuseOnOutage.
	OnOutage OutagePolicy
	// Transient builds the claims-only user of ProceedClaimsOnly. Required
	// with ProceedClaimsOnly.
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
	// Logger receives warnings about outages (default: discard).
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Resolver turns a verified caller into the app's user row: by Auth0 id,
// else by verified email (linking the row), else by creating the row. See
// the package doc for the flow.
type Resolver[U any] struct {
	cfg    Config[U]
	claims ClaimNames
	cache  *cache[U]
	flight singleflight.Group
}

// New checks cfg and returns a Resolver.
func New[U any](cfg Config[U]) (*Resolver[U], error) {
	if cfg.Store == nil {
		return nil, errors.New("users: Config.Store is required")
	}
	if cfg.OnOutage == ProceedClaimsOnly && cfg.Transient == nil {
		return nil, errors.New("users: ProceedClaimsOnly needs Config.Transient")
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
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Resolver[U]{
		cfg:    cfg,
		claims: cfg.Claims.withDefaults(),
		cache:  newCache[U](cfg.CacheTTL, cfg.CacheSize, cfg.Now),
	}, nil
}

// Invalidate forgets the cached user of that Auth0 id in this instance:
// call it after changing or deleting the row. A resolution already running
// (which may have read the row before the change) caches nothing, and later
// requests do not wait for it but read the row again.
func (r *Resolver[U]) Invalidate(auth0ID string) {
	r.cache.delete(auth0ID)
	r.flight.Forget(auth0ID)
}

// InvalidateAll empties this instance's cache.
func (r *Resolver[U]) InvalidateAll() { r.cache.clear() }

// Resolve returns the current user of a verified caller. Errors are
// *auth0gin.AuthError values: 503 with Retry-After when the store or (with
// RefuseOnOutage) Auth0 cannot answer. Nothing is persisted unless the whole
// profile was known.
func (r *Resolver[U]) Resolve(ctx context.Context, u *auth0gin.Auth0User) (*Current[U], error) {
	if u.IsM2M() {
		return &Current[U]{Machine: &Machine{ClientID: u.ClientID, Subject: u.ID}}, nil
	}
	if cur, ok := r.cache.get(u.ID); ok {
		return cur, nil
	}
	// One flight per Auth0 id: 100 concurrent first requests make one
	// lookup, one profile fetch and one row. The flight runs on a context
	// of its own (keeping ctx's values, such as the caller's token for
	// /userinfo) so that a caller hanging up does not fail the others.
	ch := r.flight.DoChan(u.ID, func() (any, error) {
		gen := r.cache.generation()
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.Timeout)
		defer cancel()
		cur, err := r.resolve(fctx, u)
		if err == nil && !cur.Transient {
			r.cache.putIf(u.ID, cur, gen)
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
	row, err := r.cfg.Store.FindByAuth0ID(ctx, u.ID)
	if err == nil {
		return &Current[U]{User: row}, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, r.storeDown(ctx, err)
	}

	p, complete := r.claims.fromClaims(u)
	if !complete && r.cfg.Profiles != nil {
		fetched, err := r.cfg.Profiles.Profile(ctx, u.ID)
		switch {
		case err == nil:
			p = merge(p, fetched)
		case errors.Is(err, ErrNoProfile):
			// Nothing to ask (a cookie request and /userinfo): the claims it is.
		default:
			return r.outage(ctx, p, err)
		}
	}

	if p.Email != "" && p.EmailVerified {
		row, err := r.cfg.Store.LinkByEmail(ctx, p.Email, u.ID)
		switch {
		case err == nil:
			return &Current[U]{User: row}, nil
		case errors.Is(err, ErrConflict):
			return r.readBack(ctx, u.ID)
		case !errors.Is(err, ErrNotFound):
			return nil, r.storeDown(ctx, err)
		}
	}

	row, err = r.cfg.Store.Create(ctx, p)
	switch {
	case err == nil:
		return &Current[U]{User: row}, nil
	case errors.Is(err, ErrConflict):
		// Another instance created it between our lookup and our insert.
		return r.readBack(ctx, u.ID)
	default:
		return nil, r.storeDown(ctx, err)
	}
}

func (r *Resolver[U]) readBack(ctx context.Context, auth0ID string) (*Current[U], error) {
	row, err := r.cfg.Store.FindByAuth0ID(ctx, auth0ID)
	if err != nil {
		return nil, r.storeDown(ctx, fmt.Errorf("reading back the row another instance created: %w", err))
	}
	return &Current[U]{User: row}, nil
}

// maxRetryAfter bounds the Retry-After a profile source's answer can set on
// a 503: a broken or hostile header must not send clients away for years.
const maxRetryAfter = time.Hour

// outage applies Config.OnOutage to a failed profile fetch.
func (r *Resolver[U]) outage(ctx context.Context, claims Profile, err error) (*Current[U], error) {
	r.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "users: profile fetch failed",
		slog.String("auth0_id", claims.Auth0ID), slog.String("err", err.Error()))
	if r.cfg.OnOutage == ProceedClaimsOnly {
		return &Current[U]{User: r.cfg.Transient(claims), Transient: true}, nil
	}
	wait := r.cfg.RetryAfter
	var ue *UnavailableError
	if errors.As(err, &ue) && ue.RetryAfter > 0 {
		wait = min(ue.RetryAfter, maxRetryAfter)
	}
	return nil, auth0gin.Unavailable("the user's profile cannot be fetched from Auth0 now", wait, err)
}

func (r *Resolver[U]) storeDown(ctx context.Context, err error) error {
	r.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "users: user store unavailable", slog.String("err", err.Error()))
	return auth0gin.Unavailable("the user store cannot answer now", r.cfg.RetryAfter, err)
}
