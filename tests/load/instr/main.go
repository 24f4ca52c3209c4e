// Command instr serves fresh tokens through one protected route in-process,
// so that valgrind can count the instructions each request costs: a measure
// that, unlike req/s on a shared 2-core VM (which swings ±20% from one second
// to the next), repeats to the instruction. run.sh drives it and writes
// docs/instructions.md.
//
//	instr -dir DIR sign N          # sign N fresh tokens into DIR (keys kept in DIR)
//	instr -dir DIR serve N VARIANT [hot] # serve the first N of them through VARIANT
//	                                      # (hot: the first token N times, the cache-hit path)
//
// VARIANT is auth0gin (cache on), auth0gin-nocache, go-jwt-middleware-by-hand,
// bare-gin (no auth), or floor (hot only: internal/baseline.Floor, the least a
// cached guard does).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/baseline"
)

func main() {
	dir := flag.String("dir", os.TempDir(), "where the keys and tokens live")
	addr := flag.String("addr", "127.0.0.1:7171", "the tenant's address: the same in every run, so tokens keep their issuer")
	flag.Parse()
	if err := run(*dir, *addr, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "instr:", err)
		os.Exit(1)
	}
}

func run(dir, addr string, args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: instr -dir DIR sign N | serve N VARIANT")
	}
	n, err := strconv.Atoi(args[1])
	if err != nil {
		return fmt.Errorf("token count: %w", err)
	}
	cfg := devtenant.Default()
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg.KeyFile = filepath.Join(dir, "keys.json") // the same keys in every run
	tenant, err := devtenant.Listen(addr, cfg)
	if err != nil {
		return err
	}
	defer tenant.Close()
	tokensFile := filepath.Join(dir, "tokens.txt")

	if args[0] == "sign" {
		toks := make([]string, n)
		for i := range toks {
			toks[i], err = tenant.IssueToken(context.Background(), devtenant.TokenRequest{
				User: devtenant.Alice.Email, Claims: map[string]any{"https://example.com/n": strconv.Itoa(i)},
			})
			if err != nil {
				return err
			}
		}
		return os.WriteFile(tokensFile, []byte(strings.Join(toks, "\n")), 0o600)
	}

	b, err := os.ReadFile(tokensFile)
	if err != nil {
		return err
	}
	toks := strings.Split(string(b), "\n")
	// "hot" as a fourth argument serves one token n times: the cache-hit path.
	hot := len(args) > 3 && args[3] == "hot"
	if len(args) < 3 || (!hot && n >= len(toks)) {
		return fmt.Errorf("serve needs N < %d tokens and a variant", len(toks))
	}
	ok := func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"message": "ok"}) }
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	base := auth0gin.Config{Domain: tenant.URL, Audience: []string{devtenant.Audience}, Logger: slog.New(slog.DiscardHandler)}
	switch args[2] {
	case "bare-gin":
		r.GET("/x", ok)
	case "auth0gin":
		r.GET("/x", auth0gin.MustNew(base).RequireScopes("read:messages"), ok)
	case "auth0gin-nocache":
		base.DisableCache = true
		r.GET("/x", auth0gin.MustNew(base).RequireScopes("read:messages"), ok)
	case "floor": // hot only: the least a cached guard does (baseline.Floor)
		if !hot {
			return fmt.Errorf("the floor serves one hot token only")
		}
		r.GET("/x", baseline.Floor(toks[0], "read:messages", "read:messages"), ok)
	case "go-jwt-middleware-by-hand":
		mw, err := baseline.HandWired(tenant.URL, devtenant.Audience, "read:messages")
		if err != nil {
			return err
		}
		r.GET("/x", append(mw, ok)...)
	default:
		return fmt.Errorf("unknown variant %q", args[2])
	}
	serve := func(tok string) int {
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		return rec.Code
	}
	warm := toks[len(toks)-1] // a token the count does not serve
	if hot {
		warm = toks[0] // verified and cached before the count: every counted request is a hit
	}
	if c := serve(warm); c != http.StatusOK { // warm-up: fetch the keys
		return fmt.Errorf("warm-up answered %d", c)
	}
	for i := range n {
		tok := toks[0]
		if !hot {
			tok = toks[i]
		}
		if c := serve(tok); c != http.StatusOK {
			return fmt.Errorf("token %d answered %d", i, c)
		}
	}
	return nil
}
