package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	jwtmiddleware "github.com/auth0/go-jwt-middleware/v2"
	"github.com/auth0/go-jwt-middleware/v2/jwks"
	"github.com/auth0/go-jwt-middleware/v2/validator"
	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
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
	variantN         = 4
)

var variants = [variantN]variant{bareGin, cached, nocache, byHand}

func parseVariant(s string) (variant, error) {
	for _, v := range variants {
		if string(v) == s {
			return v, nil
		}
	}
	return "", fmt.Errorf("unknown variant %q", s)
}

// answer is the handler body of every variant: a fixed small JSON.
func answer(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"message": "Hello from a private endpoint! You need to be authenticated and have a scope of read:messages to see this."})
}

// engine is a Gin engine serving route as v does, trusting the issuer at
// issuerURL. tune, when not nil, adjusts auth0gin's Config (the fault tests
// shorten its intervals). cache is the validated-token cache of the cached
// variant, for its size; nil otherwise.
func engine(v variant, issuerURL string, tune func(*auth0gin.Config)) (r *gin.Engine, cache *auth0gin.MemoryCache, err error) {
	r = gin.New()
	switch v {
	case bareGin:
		r.GET(route, answer)
	case cached, nocache:
		cfg := auth0gin.Config{
			Domain:   issuerURL,
			Audience: []string{audience},
			Logger:   slog.New(slog.DiscardHandler),
		}
		if v == nocache {
			cfg.DisableCache = true
		} else {
			// The default cache, built explicitly only so its size can be read.
			cache = auth0gin.NewMemoryCache(auth0gin.DefaultCacheMaxEntries, auth0gin.DefaultCacheMaxBytes)
			cfg.Cache = cache
		}
		if tune != nil {
			tune(&cfg)
		}
		a, err := auth0gin.New(cfg)
		if err != nil {
			return nil, nil, fmt.Errorf("auth0gin.New: %w", err)
		}
		r.GET(route, a.RequireScopes(scope), answer)
	case byHand:
		check, err := handWired(issuerURL)
		if err != nil {
			return nil, nil, err
		}
		r.GET(route, check, func(c *gin.Context) {
			claims, ok := c.Request.Context().Value(jwtmiddleware.ContextKey{}).(*validator.ValidatedClaims)
			if !ok || !slices.Contains(strings.Fields(claims.CustomClaims.(*scopeClaims).Scope), scope) {
				c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"message": "Insufficient scope."})
				return
			}
			answer(c)
		})
	default:
		return nil, nil, fmt.Errorf("unknown variant %q", v)
	}
	return r, cache, nil
}

// scopeClaims is the custom-claims type of go-jwt-middleware's README.
type scopeClaims struct {
	Scope string `json:"scope"`
}

// Validate implements validator.CustomClaims.
func (c *scopeClaims) Validate(context.Context) error { return nil }

// handWired protects a route the way go-jwt-middleware's README and Auth0's
// Gin quickstart show: a caching JWKS provider, the validator, and the
// net/http middleware adapted to Gin. The scope is checked by the handler.
func handWired(issuerURL string) (gin.HandlerFunc, error) {
	u, err := url.Parse(issuerURL)
	if err != nil {
		return nil, fmt.Errorf("issuer URL: %w", err)
	}
	provider := jwks.NewCachingProvider(u, 5*time.Minute)
	v, err := validator.New(provider.KeyFunc, validator.RS256, issuerURL, []string{audience},
		validator.WithCustomClaims(func() validator.CustomClaims { return &scopeClaims{} }))
	if err != nil {
		return nil, fmt.Errorf("validator.New: %w", err)
	}
	m := jwtmiddleware.New(v.ValidateToken)
	return func(c *gin.Context) {
		failed := true
		next := http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			failed = false
			c.Request = r
		})
		m.CheckJWT(next).ServeHTTP(c.Writer, c.Request)
		if failed {
			c.Abort()
		}
	}, nil
}
