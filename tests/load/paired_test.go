package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/internal/benchpair"
)

// BenchmarkPaired runs the harness's variants in process (no network, no
// load generator), each against its reference in interleaved rounds, and
// reports each ratio with its spread (see internal/benchpair):
//   - hot: one hot token through auth0gin, and through auth0gin then
//     users.Require (the resolved user), against bare Gin;
//   - refresh: POST /auth/refresh as Mount serves it (guard, one signature
//     verification, the store, the tenant's refresh grant), against the same
//     refresh grant asked of the tenant directly;
//   - sessions: one hot session cookie through package session (SQLite in
//     memory; and Redis when it answers at redisAddr) and through the
//     session libraries of sessionlibs.go (scs on its memstore, and on
//     redisstore when Redis answers; gorilla/sessions' CookieStore), each
//     serving the session section's route, against bare Gin.
//
// Tokens through the core alone (hot, distinct, new, against bare Gin and
// go-jwt-middleware by hand) are auth0gin's BenchmarkPaired; sessions
// against bare Gin and a bearer token alone are auth0gin/session's. Run them all:
//
//	go test -run '^$' -bench Paired -benchtime 20x ./auth0gin/ ./auth0gin/session/ ./tests/load/
//
// CI runs them with -benchtime 1x as a smoke test (every arm answers 200).
func BenchmarkPaired(b *testing.B) {
	b.Run("hot", func(b *testing.B) {
		k, err := newSigningKey("k0")
		if err != nil {
			b.Fatal(err)
		}
		is, err := newIssuer(k)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(is.close)
		tok, err := is.sign(k, 0)
		if err != nil {
			b.Fatal(err)
		}
		var arms []benchpair.Arm
		for _, v := range []variant{bareGin, cached, withUser} {
			r, _, err := engine(v, is.url(), nil)
			if err != nil {
				b.Fatal(err)
			}
			arms = append(arms, serveArm(string(v), r, http.MethodGet, route, tok))
		}
		benchpair.Run(b, 0, arms[0], arms[1:]...)
	})
	b.Run("refresh", func(b *testing.B) {
		tenant, base, tokens, rts := refreshBench(b)
		ref := benchpair.Arm{Name: "tenant-refresh-grant", Call: func(b *testing.B, _ int) {
			rt, err := grant(b.Context(), http.DefaultClient, tenant, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rts[0]}})
			if err != nil {
				b.Fatal(err)
			}
			rts[0] = rt
		}}
		endpoint := benchpair.Arm{Name: "auth0gin-refresh", Call: func(b *testing.B, _ int) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, "/auth/refresh", nil)
			req.Header.Set("Authorization", "Bearer "+tokens[0])
			base.ServeHTTP(rec, req)
			var a login.Answer
			if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &a) != nil {
				b.Fatalf("refresh: %d %s", rec.Code, rec.Body)
			}
			tokens[0] = a.AccessToken
		}}
		benchpair.Run(b, 20, ref, endpoint)
	})
	b.Run("sessions", func(b *testing.B) {
		k, err := newSigningKey("k0")
		if err != nil {
			b.Fatal(err)
		}
		is, err := newIssuer(k)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(is.close)
		tok, err := is.sign(k, 0)
		if err != nil {
			b.Fatal(err)
		}
		bare, _, err := engine(bareGin, is.url(), nil)
		if err != nil {
			b.Fatal(err)
		}
		arms := []benchpair.Arm{cookieArm("bare-gin", bare, "")}
		specs := []struct{ name, spec string }{
			{"auth0gin-session-sqlite-memory", "1"}, {"auth0gin-session-redis", redisSessions},
			{"scs-memstore", libSCSMem}, {"scs-redisstore", libSCSRedis}, {"gorilla-cookiestore", libGorilla},
		}
		redisDown := dialCheck(redisAddr)
		for _, s := range specs {
			if (s.spec == redisSessions || s.spec == libSCSRedis) && redisDown != nil {
				b.Logf("%s skipped: Redis: %v", s.name, redisDown)
				continue
			}
			h, release, err := sessionServer(is.url(), s.spec)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() {
				if err := release(); err != nil {
					b.Error(err)
				}
			})
			c, err := loginInProcess(h, tok, sessionCookie(s.spec))
			if err != nil {
				b.Fatalf("%s: %v", s.name, err)
			}
			arms = append(arms, cookieArm(s.name, h, c))
		}
		benchpair.Run(b, 0, arms[0], arms[1:]...)
	})
}

// cookieArm serves GET route through h with cookie (none when ""), and fails
// on any answer but 200. Each call serves its own shallow copy of the
// request, as net/http gives every request its own: gorilla/sessions'
// registry writes itself into the request it is given, so a request served
// twice would find its session already decoded.
func cookieArm(name string, h http.Handler, cookie string) benchpair.Arm {
	req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1"+route, nil) // loopback, as served: package session names its cookie for plain http
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	ctx := req.Context()
	return benchpair.Arm{Name: name, Call: func(b *testing.B, _ int) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req.WithContext(ctx))
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", name, rec.Code, rec.Body)
		}
	}}
}

// loginInProcess logs in with token through h and returns the Cookie header
// value of the session cookie, named name.
func loginInProcess(h http.Handler, token, name string) (string, error) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1"+loginRoute, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return "", fmt.Errorf("login: %d %s", rec.Code, rec.Body)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == name {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", fmt.Errorf("login set no cookie %q", name)
}

// serveArm serves method path through h with a bearer token, and fails on
// any answer but 200.
func serveArm(name string, h http.Handler, method, path, tok string) benchpair.Arm {
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	return benchpair.Arm{Name: name, Call: func(b *testing.B, _ int) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", name, rec.Code, rec.Body)
		}
	}}
}

// refreshBench starts a dev tenant with one user, and a login Manager on an
// in-memory store mounted as an app mounts it; it logs the user in twice:
// once through the Manager (tokens[0], the endpoint's chain) and once at the
// tenant (rts[0], the reference's chain).
func refreshBench(b *testing.B) (tenant string, r *gin.Engine, tokens, rts []string) {
	tcfg := devtenant.Default()
	tcfg.Logger = slog.New(slog.DiscardHandler)
	tcfg.Dialect = "rfc9068"
	tcfg.Users = append(tcfg.Users, devtenant.User{Email: "bench@example.com", Password: "bench-password"})
	t, err := devtenant.Listen("127.0.0.1:0", tcfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = t.Close() })
	auth, err := auth0gin.New(auth0gin.Config{
		Domain: strings.TrimSuffix(t.URL, "/"), Audience: []string{devtenant.Audience},
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(b.Context(), "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	mgr, err := login.New(auth, st, login.Config{
		ClientID: devtenant.RegularClient.ID, ClientSecret: devtenant.RegularClient.Secret,
		Keys: ephemeralKeys(), LoginsPerMinute: -1, Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	r = gin.New()
	mgr.Mount(auth.Router(r))
	body, _ := json.Marshal(map[string]string{"username": "bench@example.com", "password": "bench-password"})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/auth/login", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	r.ServeHTTP(rec, req)
	var a login.Answer
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &a) != nil {
		b.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	rt, err := grant(b.Context(), http.DefaultClient, t.URL, url.Values{"grant_type": {"http://auth0.com/oauth/grant-type/password-realm"},
		"realm": {"Username-Password-Authentication"}, "username": {"bench@example.com"}, "password": {"bench-password"},
		"audience": {devtenant.Audience}, "scope": {"openid offline_access"}})
	if err != nil {
		b.Fatal(fmt.Errorf("tenant login: %w", err))
	}
	return t.URL, r, []string{a.AccessToken}, []string{rt}
}
