package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite" // the "sqlite" database/sql driver
	"github.com/auth0gin/auth0gin/auth0gin/users"
	"github.com/auth0gin/auth0gin/internal/baseline"
)

// route is the one protected route every variant serves.
const route = "/api/private-scoped"

// variant names one way of serving route.
type variant string

// The variants compared in one run.
const (
	bareGin  variant = "bare-gin"                  // no auth at all: the ceiling
	cached   variant = "auth0gin"                  // auth0gin with its validated-token cache (the default)
	nocache  variant = "auth0gin-nocache"          // auth0gin with Config.DisableCache
	byHand   variant = "go-jwt-middleware-by-hand" // go-jwt-middleware/v2 wired by hand, as its README shows
	withUser variant = "auth0gin+users"            // auth0gin, then users.Require: the caller's row, cached per Auth0 id
	variantN         = 5
)

var variants = [variantN]variant{bareGin, cached, nocache, byHand, withUser}

func parseVariant(s string) (variant, error) {
	for _, v := range variants {
		if string(v) == s {
			return v, nil
		}
	}
	return "", fmt.Errorf("unknown variant %q", s)
}

// userResolver is the withUser variant's resolver: the ready store on SQLite
// in memory, rows created from the tokens' claims (the issuer is no tenant
// with a Management API), so each of the tokens' 100 subjects costs one
// INSERT on first sight and is then served from the resolver's cache. The
// database lives as long as the serving process.
func userResolver() (*users.Resolver[users.User], error) {
	res, err := users.New(context.Background(), nil, users.Config[users.User]{})
	if err != nil {
		return nil, fmt.Errorf("users store: %w", err)
	}
	return res, nil
}

// answer is the handler body of every variant: a fixed small JSON.
func answer(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"message": "Hello from a private endpoint! You need to be authenticated and have a scope of read:messages to see this."})
}

// engine is a Gin engine serving route as v does, trusting the issuer at
// issuerURL. tune, when not nil, adjusts auth0gin's Config (the fault tests
// shorten its intervals). cache is the validated-token cache of the cached
// variant, for its size; nil otherwise.
func engine(v variant, issuerURL string, tune func(*auth0gin.Config)) (r *gin.Engine, cache auth0gin.TokenCache, err error) {
	r = gin.New()
	switch v {
	case bareGin:
		r.GET(route, answer)
	case cached, nocache, withUser:
		cfg := auth0gin.Config{
			Domain:   issuerURL,
			Audience: []string{audience},
			Logger:   slog.New(slog.DiscardHandler),
		}
		if v == nocache {
			cfg.DisableCache = true
		} else {
			// The default cache, built explicitly only so its size can be read.
			cache = auth0gin.NewMemoryCache(0, 0) // 0, 0: the defaults
			cfg.Cache = cache
		}
		if tune != nil {
			tune(&cfg)
		}
		a, err := auth0gin.New(cfg)
		if err != nil {
			return nil, nil, fmt.Errorf("auth0gin.New: %w", err)
		}
		if v == withUser {
			res, err := userResolver()
			if err != nil {
				return nil, nil, err
			}
			r.GET(route, a.RequireScopes(scope), res.Require(), answer)
			break
		}
		r.GET(route, a.RequireScopes(scope), answer)
	case byHand:
		mw, err := baseline.HandWired(issuerURL, audience, scope)
		if err != nil {
			return nil, nil, err
		}
		r.GET(route, append(mw, answer)...)
	default:
		return nil, nil, fmt.Errorf("unknown variant %q", v)
	}
	return r, cache, nil
}
