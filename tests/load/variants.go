// The load harness: go run ./tests/load [-full] (see main.go and
// docs/performance.md).
//
// # Adding a measurement (dpop.go, otel.go, ...)
//
// A new file registers itself from an init function, with no edit to the
// harness's other files:
//
//   - registerVariant(name, build) adds a way of serving route: build returns
//     its Gin engine for the issuer at issuerURL. startInProcess(name, …) and
//     startChild(name, …) then serve it like the built-in variants (a child
//     process finds it by name), so a section can measure it beside bareGin
//     or cached with measureSlices (otel.go's otelRound). It does not join the main
//     tables, whose variants are fixed.
//   - registerSection(name, run) adds a section to the report of the default
//     and -full runs: run gets the plan (p.rounds > 1 in the full run), does
//     its measurements and returns its Markdown (a "## …" section) and the
//     problems it found. Sections run after the core, fault, refresh and
//     session measurements, in registration order (file name order).
//
// In-process pairs go in paired_test.go's style with internal/benchpair, as
// a BenchmarkPaired… function: benchCommand runs every BenchmarkPaired.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

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
	if _, ok := extraVariants[variant(s)]; ok {
		return variant(s), nil
	}
	return "", fmt.Errorf("unknown variant %q", s)
}

// extraVariants are the variants other files registered, by name.
var extraVariants = map[variant]func(issuerURL string, tune func(*auth0gin.Config)) (*gin.Engine, error){}

// registerVariant adds a variant serving route through build's engine (see
// the package comment). Call it from init.
func registerVariant(name variant, build func(issuerURL string, tune func(*auth0gin.Config)) (*gin.Engine, error)) {
	if _, dup := extraVariants[name]; dup || slices.Contains(variants[:], name) {
		panic(fmt.Sprintf("load: variant %q registered twice", name))
	}
	extraVariants[name] = build
}

// section is a report section another file registered.
type section struct {
	name string
	run  func(ctx context.Context, p plan, log *slog.Logger) (md string, problems []string, err error)
}

var sections []section

// registerSection adds a section to the report (see the package comment).
// Call it from init.
func registerSection(name string, run func(ctx context.Context, p plan, log *slog.Logger) (md string, problems []string, err error)) {
	sections = append(sections, section{name: name, run: run})
}

// runSections runs the registered sections and joins their Markdown, each
// section's problems listed under it.
func runSections(ctx context.Context, p plan, log *slog.Logger) (md string, problems int, err error) {
	var b strings.Builder
	for _, s := range sections {
		log.Info("section", "name", s.name)
		out, probs, err := s.run(ctx, p, log)
		if err != nil {
			return "", 0, fmt.Errorf("section %s: %w", s.name, err)
		}
		b.WriteString(out)
		for _, pr := range probs {
			fmt.Fprintf(&b, "- problem (%s): %s\n", s.name, pr)
		}
		if len(probs) > 0 {
			b.WriteString("\n")
		}
		problems += len(probs)
	}
	return b.String(), problems, nil
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
		build, ok := extraVariants[v]
		if !ok {
			return nil, nil, fmt.Errorf("unknown variant %q", v)
		}
		if r, err = build(issuerURL, tune); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", v, err)
		}
	}
	return r, cache, nil
}
