package auth0gin_test

import (
	"net/http"
	"testing"
	"time"
)

// A machine token whose claims carry auth_time and amr (an Action may add
// them to any token) still gets the challenge on a step-up route: it stands
// for no user login (review of issue 26: it passed).

func TestMachineTokenNeverPassesStepUp(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	h := stepUpEngine(t, a)
	m2m := ti.token(t, map[string]any{"sub": "m2m@clients", "azp": "m2m", "gty": "client-credentials",
		"auth_time": time.Now().Unix(), "amr": []string{"mfa"}})
	got := call(t, h, "/fresh-mfa", bearerH(m2m))
	if got.code == http.StatusOK {
		t.Errorf("machine token passed MaxAge+AuthContext(mfa): %d %v", got.code, got.body)
	}
}

// "ORG_A" is an organization id in another case, compared with org_id alone:
// a token of another organization named "org_a" does not pass (review of
// issue 26: it did).
func TestOrgIDInAnyCaseIsAnID(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	h := stepUpEngine(t, a)
	tok := ti.token(t, map[string]any{"gty": nil, "org_id": "org_Attacker", "org_name": "org_a"})
	if got := call(t, h, "/orgs/org_A/messages", bearerH(tok)); got.code != http.StatusForbidden {
		t.Errorf("org_A: %d", got.code)
	}
	if got := call(t, h, "/orgs/ORG_A/messages", bearerH(tok)); got.code == http.StatusOK {
		t.Errorf("ORG_A passed for org_Attacker (org_name org_a): %d %v", got.code, got.body)
	}
	if got := call(t, h, "/orgs/Org_A/messages", bearerH(tok)); got.code == http.StatusOK {
		t.Errorf("Org_A passed for org_Attacker (org_name org_a): %d", got.code)
	}
}

// Names fold ASCII letters only: the Kelvin sign (U+212A) is no "k" (review
// of issue 26: it matched).
func TestOrgNameFoldsASCIIOnly(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	h := stepUpEngine(t, a)
	tok := ti.token(t, map[string]any{"gty": nil, "org_id": "org_K", "org_name": "kacme"})
	if got := call(t, h, "/orgs/%E2%84%AAacme/messages", bearerH(tok)); got.code == http.StatusOK {
		t.Errorf("\\u212Aacme matched org_name kacme: %d", got.code)
	}
}
