package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"syscall"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// startDevTenant starts the embedded dev tenant on addr (default
// "127.0.0.1:4000", or any free loopback port when that one is taken)
// and points cfg at it. Like cmd/devtenant, it refuses an address other
// hosts could reach unless DEVTENANT_ALLOW_PUBLIC=true.
func startDevTenant(addr string, cfg *auth0gin.Config, log *slog.Logger) (*devtenant.Server, error) {
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
	// environment said for a real tenant.
	cfg.Domain = dev.URL
	cfg.Issuers = []string{dev.Issuer()}
	cfg.JWKSURL = ""
	cfg.Audience = []string{devtenant.Audience}
	cfg.ClientID = devtenant.SPAClient.ID
	cfg.EmailClaim = devtenant.EmailClaim
	cfg.RolesClaim = devtenant.RolesClaim

	log.Info("example: no AUTH0_DOMAIN, so the embedded dev tenant is running (development only)",
		"tenant", dev.URL, "audience", devtenant.Audience, "client_id", devtenant.SPAClient.ID)
	// The dev users are public fixtures of the dev tenant, not secrets.
	log.Info("example: dev users for Swagger UI's Authorize button",
		"alice", devtenant.Alice.Email+" / "+devtenant.Alice.Password+" (read:messages, write:messages)",
		"bob", devtenant.Bob.Email+" / "+devtenant.Bob.Password+" (no permissions)")
	return dev, nil
}

// envTrue reports whether the variable name is set to a true value.
func envTrue(name string) bool {
	v, _ := strconv.ParseBool(os.Getenv(name))
	return v
}
