// Command devtenant runs an Auth0-compatible tenant on your machine, so the
// example app, Swagger UI and your own code can log in without an Auth0
// account or network.
//
//	go run ./cmd/devtenant                      # http://127.0.0.1:4000/
//	go run ./cmd/devtenant -addr 127.0.0.1:4100 -config tenant.yaml -keys .devtenant-keys.json
//
// Point the app at it with AUTH0_DOMAIN=http://127.0.0.1:4000 and
// AUTH0_API_AUDIENCE=https://auth0gin.example/api.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "devtenant:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("devtenant", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:4000", "address to listen on")
	allowPublic := fs.Bool("allow-public", false, "allow a non-loopback -addr (anyone who can reach it can mint tokens)")
	configPath := fs.String("config", "", "tenant config file (.json, .yaml); default: the built-in dev tenant")
	keys := fs.String("keys", "", "file persisting the signing keys, so tokens survive a restart")
	issuer := fs.String("issuer", "", "issuer URL (default http://<addr>/)")
	verbose := fs.Bool("v", false, "log every request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := checkAddr(*addr, *allowPublic); err != nil {
		return err
	}
	cfg := devtenant.Default()
	if *configPath != "" {
		var err error
		if cfg, err = devtenant.LoadConfig(*configPath); err != nil {
			return err
		}
	}
	if *keys != "" {
		cfg.KeyFile = *keys
	}
	if *issuer != "" {
		cfg.Issuer = *issuer
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	srv, err := devtenant.Listen(*addr, cfg)
	if err != nil {
		return err
	}
	printBanner(stdout, srv, cfg, *configPath == "")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	fmt.Fprintln(stdout, "shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// checkAddr refuses a non-loopback address unless allowed: the tenant hands
// out tokens to anyone who knows the well-known dev passwords.
func checkAddr(addr string, allowPublic bool) error {
	err := devtenant.CheckLoopback(addr)
	if err == nil || (allowPublic && errors.Is(err, devtenant.ErrNotLoopback)) {
		return nil
	}
	if errors.Is(err, devtenant.ErrNotLoopback) {
		return errors.New("-addr " + addr + " is not a loopback address; add -allow-public if you really want the dev tenant reachable from the network")
	}
	return fmt.Errorf("-addr %q: %w", addr, err)
}

// printBanner shows how to use the tenant. Passwords and secrets are shown
// only for the built-in tenant, whose credentials are public anyway.
func printBanner(w io.Writer, s *devtenant.Server, cfg devtenant.Config, showSecrets bool) {
	fmt.Fprintf(w, "devtenant: an Auth0-compatible dev tenant\n\n")
	fmt.Fprintf(w, "  issuer        %s\n", s.Issuer())
	fmt.Fprintf(w, "  discovery     %s.well-known/openid-configuration\n", s.Issuer())
	fmt.Fprintf(w, "  management    %s\n\n", s.ManagementAudience())
	fmt.Fprintf(w, "APIs:\n")
	for _, a := range cfg.APIs {
		var scopes []string
		for _, sc := range a.Scopes {
			scopes = append(scopes, sc.Name)
		}
		fmt.Fprintf(w, "  %s  scopes: %s\n", a.Identifier, strings.Join(scopes, " "))
	}
	fmt.Fprintf(w, "Clients:\n")
	for _, c := range cfg.Clients {
		secret := ""
		if c.Secret != "" && showSecrets {
			secret = "  secret: " + c.Secret
		}
		fmt.Fprintf(w, "  %-22s %s%s\n", c.ID, c.Type, secret)
	}
	fmt.Fprintf(w, "Users:\n")
	for _, u := range cfg.Users {
		var perms []string
		for aud, p := range u.Permissions {
			perms = append(perms, aud+": "+strings.Join(p, " "))
		}
		sort.Strings(perms)
		pw := ""
		if showSecrets {
			pw = "password: " + u.Password + "  "
		}
		fmt.Fprintf(w, "  %-22s %s%s\n", u.Email, pw, strings.Join(perms, "; "))
	}
	fmt.Fprintf(w, "\nTry: AUTH0_DOMAIN=%s AUTH0_API_AUDIENCE=%s\n", strings.TrimSuffix(s.Issuer(), "/"), firstAPI(cfg))
}

func firstAPI(cfg devtenant.Config) string {
	if len(cfg.APIs) > 0 {
		return cfg.APIs[0].Identifier
	}
	return ""
}
