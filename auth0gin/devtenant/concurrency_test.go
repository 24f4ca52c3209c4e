package devtenant_test

import (
	"fmt"
	"net/url"
	"sync"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// TestConcurrentUse exercises logins, refresh rotation, user writes and key
// rotation at once; run with -race.
func TestConcurrentUse(t *testing.T) {
	e := newEnv(t)
	mgmt := e.m2m(t, e.ManagementAudience())
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, offlineScopes)
			rt := r.str("refresh_token")
			for range 3 {
				r = e.refresh(t, rt, "")
				if r.status != 200 {
					t.Errorf("refresh: %d %s", r.status, r.body)
					return
				}
				rt = r.str("refresh_token")
			}
			email := fmt.Sprintf("user%d@example.com", i)
			r = e.mgmtDo(t, "POST", "users", `{"email":"`+email+`","password":"pw","connection":"Username-Password-Authentication"}`, mgmt)
			if r.status != 201 {
				t.Errorf("create: %d %s", r.status, r.body)
				return
			}
			id := url.PathEscape(r.str("user_id"))
			e.mgmtDo(t, "PATCH", "users/"+id, `{"user_metadata":{"n":1}}`, mgmt)
			e.get(t, ".well-known/jwks.json", "")
			e.mgmtDo(t, "DELETE", "users/"+id, "", mgmt)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		e.RotateKeys()
		e.FailNext(0)
	}()
	wg.Wait()
}
