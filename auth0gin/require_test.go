package auth0gin_test

import (
	"strings"
	"testing"
)

func TestMalformedScopeNamesPanicAtRegistration(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	for _, s := range []string{"", "read:messages write:messages", "read:messages\n"} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "not a scope") {
					t.Errorf("RequireScopes(%q): recovered %v", s, r)
				}
			}()
			a.RequireScopes(s)
		}()
	}
}
