package main

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// TestOrgMessages: one token of organization A (acme) gets 200 on
// /api/orgs/A/messages, then 403 invalid_organization on B's (globex), then
// 200 on A again: a cached verdict carries no organization from one path to
// the next. Once with the verdict cache and once without; for a token minted
// with the organization's claims and for one of a real login through the
// tenant's /authorize with organization=acme.
func TestOrgMessages(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cache bool
	}{{"cache", true}, {"no cache", false}} {
		t.Run(tc.name, func(t *testing.T) {
			tenant, h := appWith(t, func(c *auth0gin.Config) { c.DisableCache = !tc.cache })
			alice := devtenant.Alice
			tokens := map[string]string{
				"minted": tenant.Token(t, auth0test.User(alice.Email), auth0test.Organization("org_acme", "acme")),
				"login":  newTenantBrowser(t, tenant).login(alice.Email, alice.Password, url.Values{"organization": {"acme"}}),
			}
			for kind, tok := range tokens {
				for i, step := range []struct {
					org  string
					want int
				}{
					{"org_acme", 200}, {"org_globex", 403}, {"org_acme", 200},
					{"acme", 200}, {"globex", 403}, {"ACME", 200}, {"acme", 200},
				} {
					a := send(t, h, http.MethodGet, "/api/orgs/"+step.org+"/messages", tok)
					if a.code != step.want {
						t.Fatalf("%s token, call %d on %s: %d, want %d: %s", kind, i+1, step.org, a.code, step.want, a.raw)
					}
					switch step.want {
					case 200:
						if a.body["organization"] != "org_acme" || a.body["organization_name"] != "acme" {
							t.Errorf("%s token on %s: %s", kind, step.org, a.raw)
						}
					case 403:
						p := challengeParams(t, a.h.Get("WWW-Authenticate"))
						if a.body["error"] != "invalid_organization" || p["error"] != "invalid_organization" ||
							a.body["organization"] != step.org || p["organization"] != step.org {
							t.Errorf("%s token on %s: %q %s", kind, step.org, a.h.Get("WWW-Authenticate"), a.raw)
						}
					}
				}
			}

			// No organization (a login without one), and a machine token
			// without org_id: 403 too.
			plain := newTenantBrowser(t, tenant).login(alice.Email, alice.Password, nil)
			for kind, tok := range map[string]string{"no organization": plain, "machine": tenant.M2MToken(t)} {
				if a := send(t, h, http.MethodGet, "/api/orgs/org_acme/messages", tok); a.code != 403 || a.body["error"] != "invalid_organization" {
					t.Errorf("%s: %d %s", kind, a.code, a.raw)
				}
			}
			// Bob, of globex, through his organization.
			bob := newTenantBrowser(t, tenant).login(devtenant.Bob.Email, devtenant.Bob.Password, url.Values{"organization": {"org_globex"}})
			if a := send(t, h, http.MethodGet, "/api/orgs/globex/messages", bob); a.code != 200 {
				t.Errorf("bob on globex: %d %s", a.code, a.raw)
			}
			if a := send(t, h, http.MethodGet, "/api/orgs/acme/messages", bob); a.code != 403 {
				t.Errorf("bob on acme: %d %s", a.code, a.raw)
			}
		})
	}
}
