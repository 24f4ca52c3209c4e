package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// startDevTenant starts the embedded dev tenant on addr (default
// 127.0.0.1:4000, or any free loopback port when that one is taken) and
// sets the variables every FromEnv reads to name it, as `go run
// ./cmd/devtenant` prints them: the app is then wired exactly as against a
// real tenant. Like cmd/devtenant, it refuses an address other hosts could
// reach unless DEVTENANT_ALLOW_PUBLIC=true.
func startDevTenant(addr string, log *slog.Logger) (*devtenant.Server, error) {
	tcfg := devtenant.Default()
	tcfg.Logger = log
	explicit := addr != ""
	if !explicit {
		addr = "127.0.0.1:4000"
	}
	if err := devtenant.CheckLoopback(addr); err != nil && !envTrue("DEVTENANT_ALLOW_PUBLIC") {
		return nil, fmt.Errorf("DEVTENANT_ADDR: %w; set DEVTENANT_ALLOW_PUBLIC=true if you really want the dev tenant reachable from the network", err)
	}
	dev, err := devtenant.Listen(addr, tcfg)
	if err != nil && !explicit && errors.Is(err, syscall.EADDRINUSE) {
		log.Warn("example: dev tenant port busy, using a free one", "addr", addr)
		dev, err = devtenant.Listen("127.0.0.1:0", tcfg)
	}
	if err != nil {
		return nil, fmt.Errorf("starting the dev tenant: %w", err)
	}

	// Everything that names the tenant comes from it, whatever the
	// environment said for a real tenant. The clients' secrets are public
	// fixtures of the dev tenant.
	env := map[string]string{
		"AUTH0_DOMAIN":              strings.TrimSuffix(dev.Issuer(), "/"),
		"AUTH0_ISSUER":              "",
		"AUTH0_JWKS_URL":            "",
		"AUTH0_API_AUDIENCE":        devtenant.Audience,
		"AUTH0_CLIENT_ID":           devtenant.SPAClient.ID,
		"AUTH0_EMAIL_CLAIM":         devtenant.EmailClaim,
		"AUTH0_ROLES_CLAIM":         devtenant.RolesClaim,
		"AUTH0_LOGIN_CLIENT_ID":     devtenant.RegularClient.ID,
		"AUTH0_LOGIN_CLIENT_SECRET": devtenant.RegularClient.Secret,
		"AUTH0_M2M_CLIENT_ID":       devtenant.M2MClient.ID,
		"AUTH0_M2M_CLIENT_SECRET":   devtenant.M2MClient.Secret,
		"AUTH0_MANAGEMENT_AUDIENCE": "",
		// The login's time, context and methods, which the dev tenant puts
		// in access tokens as a real tenant's Action would (docs/step-up.md).
		"AUTH0_AUTH_TIME_CLAIM": tcfg.AuthTimeClaim,
		"AUTH0_ACR_CLAIM":       tcfg.ACRClaim,
		"AUTH0_AMR_CLAIM":       tcfg.AMRClaim,
	}
	if os.Getenv("AUTH0GIN_ENCRYPTION_KEYS") == "" {
		// A key that lives only in memory: refresh tokens it seals are lost
		// with the process.
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		env["AUTH0GIN_ENCRYPTION_KEYS"] = "ephemeral:" + base64.StdEncoding.EncodeToString(key)
		log.Warn("example: no AUTH0GIN_ENCRYPTION_KEYS, so refresh tokens are encrypted with an ephemeral key and lost at restart (development only)")
	}
	for k, v := range env {
		if err := os.Setenv(k, v); err != nil {
			dev.Close()
			return nil, fmt.Errorf("setting %s: %w", k, err)
		}
	}

	log.Info("example: no AUTH0_DOMAIN, so the embedded dev tenant is running (development only)",
		"tenant", dev.URL, "audience", devtenant.Audience, "client_id", devtenant.SPAClient.ID)
	// The dev users are public fixtures of the dev tenant, not secrets.
	log.Info("example: dev users for Swagger UI's Authorize button",
		"alice", devtenant.Alice.Email+" / "+devtenant.Alice.Password+" (read:messages, write:messages)",
		"bob", devtenant.Bob.Email+" / "+devtenant.Bob.Password+" (no permissions)")
	log.Info("example: dev organizations for /api/orgs/{org}/messages (log in with organization=…)",
		"acme", "org_acme (alice)", "globex", "org_globex (bob)")
	log.Info("example: DELETE /api/messages/{id} needs MFA within 5 minutes; the one-time code appears in this log (\"devtenant: MFA one-time code\")")
	return dev, nil
}

// envTrue reports whether the variable name is set to a true value.
func envTrue(name string) bool {
	v, _ := strconv.ParseBool(os.Getenv(name))
	return v
}
