// Command devtenant runs an Auth0-compatible tenant on your machine, so the
// example app, Swagger UI and your own code can log in without an Auth0
// account or network.
//
//	go run ./cmd/devtenant                      # http://127.0.0.1:4000/
//	go run ./cmd/devtenant -addr 127.0.0.1:4100 -config tenant.yaml -keys .devtenant-keys.json
//
// At start it prints, after "Try:", the environment an app needs to run
// against it (AUTH0_DOMAIN, AUTH0_API_AUDIENCE, AUTH0_CLIENT_ID, the custom
// claims, the password-login and Management API clients and an encryption
// key for password login) as export lines to paste into a shell or a .env
// file, and a curl command that gets a token.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// defaultAddr is where the tenant listens unless -addr says otherwise.
const defaultAddr = "127.0.0.1:4000"

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "devtenant:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("devtenant", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", defaultAddr, "address to listen on")
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
		mfa := ""
		if u.MFAEnrolled {
			mfa = " [MFA at every login]"
		}
		fmt.Fprintf(w, "  %-22s %s%s%s\n", u.Email, pw, strings.Join(perms, "; "), mfa)
	}
	if len(cfg.Organizations) > 0 {
		fmt.Fprintf(w, "Organizations: (/authorize?organization=<id or name>)\n")
		for _, o := range cfg.Organizations {
			var members []string
			for who, roles := range o.Members {
				members = append(members, who+" ("+strings.Join(roles, ", ")+")")
			}
			sort.Strings(members)
			fmt.Fprintf(w, "  %-22s %-12s %-22s members: %s\n", o.ID, o.Name, o.DisplayName, strings.Join(members, "; "))
		}
	}
	fmt.Fprintf(w, "MFA: a login asking acr_values=%s\n"+
		"  (or \"mfa\"), or of a user with MFA at every login, asks for a one-time code;\n"+
		"  this log prints it as \"devtenant: MFA one-time code\" with the user.\n", "http://schemas.openid.net/pape/policies/2007/06/multi-factor")
	if cfg.AuthTimeClaim != "" || cfg.ACRClaim != "" || cfg.AMRClaim != "" {
		fmt.Fprintf(w, "Step-up claims in access tokens: auth_time %s, acr %s, amr %s\n",
			orDash(cfg.AuthTimeClaim), orDash(cfg.ACRClaim), orDash(cfg.AMRClaim))
	}
	fmt.Fprintf(w, "\nTry: paste into your shell or your app's .env\n\n")
	for _, kv := range appEnv(s, cfg, showSecrets) {
		fmt.Fprintf(w, "export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
	if who, curl := tokenCurl(s, cfg, showSecrets); curl != "" {
		fmt.Fprintf(w, "\nthen get a token for %s:\n\n%s\n", who, curl)
	}
	fmt.Fprintf(w, "\nor a DPoP-bound one, and call a DPoP route with it (docs/dpop.md):\n\n"+
		"go run ./cmd/dpop call -tenant %s http://127.0.0.1:6060/api/private-bound\n", shellQuote(s.Issuer()))
}

// appEnv lists the variables an app sets to trust the tenant and to use its
// clients, as the packages auth0gin (AUTH0_*), login (AUTH0_LOGIN_*,
// AUTH0GIN_ENCRYPTION_KEYS) and management (AUTH0_M2M_*) read them.
// Variables the tenant's configuration has nothing for are left out.
func appEnv(s *devtenant.Server, cfg devtenant.Config, showSecrets bool) [][2]string {
	env := [][2]string{
		{"AUTH0_DOMAIN", strings.TrimSuffix(s.Issuer(), "/")},
		{"AUTH0_API_AUDIENCE", audience(s, cfg)},
	}
	add := func(name, value string) {
		if value != "" {
			env = append(env, [2]string{name, value})
		}
	}
	if c, ok := findClient(cfg, isPublicSPA); ok {
		add("AUTH0_CLIENT_ID", c.ID)
	}
	add("AUTH0_EMAIL_CLAIM", claimOf(cfg, "email"))
	add("AUTH0_ROLES_CLAIM", claimOf(cfg, "roles"))
	// The step-up claims the tenant's access tokens carry (as an Action
	// would add them), under the names the core reads them from.
	add("AUTH0_AUTH_TIME_CLAIM", cfg.AuthTimeClaim)
	add("AUTH0_ACR_CLAIM", cfg.ACRClaim)
	add("AUTH0_AMR_CLAIM", cfg.AMRClaim)
	if c, ok := findClient(cfg, func(c devtenant.Client) bool { return c.Secret != "" && slices.Contains(c.GrantTypes, "password") }); ok {
		add("AUTH0_LOGIN_CLIENT_ID", c.ID)
		add("AUTH0_LOGIN_CLIENT_SECRET", secret(c, showSecrets))
		key := make([]byte, 32)
		rand.Read(key)
		add("AUTH0GIN_ENCRYPTION_KEYS", "dev1:"+base64.RawURLEncoding.EncodeToString(key))
	}
	mgmt := func(c devtenant.Client) bool {
		for aud := range c.Grants {
			if aud == s.ManagementAudience() || strings.ReplaceAll(aud, "{issuer}", s.Issuer()) == s.ManagementAudience() {
				return c.Secret != ""
			}
		}
		return false
	}
	if c, ok := findClient(cfg, mgmt); ok {
		add("AUTH0_M2M_CLIENT_ID", c.ID)
		add("AUTH0_M2M_CLIENT_SECRET", secret(c, showSecrets))
	}
	return env
}

// tokenCurl is a curl command getting an access token for the first user
// through the password grant, or else for the machine client through client
// credentials, and whom the token is for.
func tokenCurl(s *devtenant.Server, cfg devtenant.Config, showSecrets bool) (who, curl string) {
	form := url.Values{}
	aud := audience(s, cfg)
	if aud != "" {
		form.Set("audience", aud)
	}
	password := func(c devtenant.Client) bool { return slices.Contains(c.GrantTypes, "password") }
	if c, ok := findClient(cfg, password); ok && len(cfg.Users) > 0 {
		u := cfg.Users[0]
		pw := u.Password
		if !showSecrets {
			pw = "<" + u.Email + "'s password>"
		}
		form.Set("grant_type", "password")
		form.Set("client_id", c.ID)
		if c.Secret != "" {
			form.Set("client_secret", secret(c, showSecrets))
		}
		form.Set("username", u.Email)
		form.Set("password", pw)
		form.Set("scope", strings.Join(append([]string{"openid", "profile", "email"}, apiScopes(cfg, aud)...), " "))
		who = u.Email
	} else if c, ok := findClient(cfg, func(c devtenant.Client) bool { return c.Secret != "" && len(c.Grants) > 0 }); ok {
		form.Set("grant_type", "client_credentials")
		form.Set("client_id", c.ID)
		form.Set("client_secret", secret(c, showSecrets))
		who = c.ID
	} else {
		return "", ""
	}
	var b strings.Builder
	b.WriteString("curl -s " + shellQuote(s.Issuer()+"oauth/token"))
	for _, k := range []string{"grant_type", "client_id", "client_secret", "username", "password", "audience", "scope"} {
		if v, ok := form[k]; ok {
			b.WriteString(" -d " + shellQuote(k+"="+v[0]))
		}
	}
	return who, b.String()
}

func audience(s *devtenant.Server, cfg devtenant.Config) string {
	aud := cfg.DefaultAudience
	if aud == "" && len(cfg.APIs) > 0 {
		aud = cfg.APIs[0].Identifier
	}
	return strings.ReplaceAll(aud, "{issuer}", s.Issuer())
}

func apiScopes(cfg devtenant.Config, aud string) []string {
	var out []string
	for _, a := range cfg.APIs {
		if a.Identifier == aud {
			for _, sc := range a.Scopes {
				out = append(out, sc.Name)
			}
		}
	}
	return out
}

// isPublicSPA is the client Swagger UI and browsers log in with.
func isPublicSPA(c devtenant.Client) bool {
	return c.Secret == "" && (c.Type == "" || c.Type == "spa")
}

func findClient(cfg devtenant.Config, ok func(devtenant.Client) bool) (devtenant.Client, bool) {
	for _, c := range cfg.Clients {
		if ok(c) {
			return c, true
		}
	}
	return devtenant.Client{}, false
}

// claimOf is the custom claim that copies the user's field src.
func claimOf(cfg devtenant.Config, src string) string {
	var names []string
	for name, from := range cfg.ExtraClaims {
		if from == src {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

func secret(c devtenant.Client, show bool) string {
	if show {
		return c.Secret
	}
	return "<the secret of " + c.ID + " in your config>"
}

// shellQuote quotes v for a POSIX shell and for a .env file when it holds
// anything but plainly safe characters.
func shellQuote(v string) string {
	safe := v != ""
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./_-", r)) {
			safe = false
			break
		}
	}
	if safe {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
