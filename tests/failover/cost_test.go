package failover

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/redis"
	"github.com/auth0gin/auth0gin/internal/testenv"
)

// counting counts a store's operations: each is one round trip to Redis
// (SetMany is one MULTI/EXEC, Incr one script).
type counting struct {
	store.Store
	n atomic.Int64
}

func (c *counting) Get(ctx context.Context, k string) ([]byte, error) {
	c.n.Add(1)
	return c.Store.Get(ctx, k)
}
func (c *counting) Set(ctx context.Context, k string, v []byte, exp time.Time) error {
	c.n.Add(1)
	return c.Store.Set(ctx, k, v, exp)
}
func (c *counting) SetMany(ctx context.Context, es ...store.Entry) error {
	c.n.Add(1)
	return c.Store.SetMany(ctx, es...)
}
func (c *counting) Add(ctx context.Context, k string, v []byte, exp time.Time) (bool, error) {
	c.n.Add(1)
	return c.Store.Add(ctx, k, v, exp)
}
func (c *counting) Delete(ctx context.Context, ks ...string) error {
	c.n.Add(1)
	return c.Store.Delete(ctx, ks...)
}
func (c *counting) Incr(ctx context.Context, k string, exp time.Time) (int64, error) {
	c.n.Add(1)
	return c.Store.Incr(ctx, k, exp)
}
func (c *counting) AddMember(ctx context.Context, set, m string, exp time.Time) error {
	c.n.Add(1)
	return c.Store.AddMember(ctx, set, m, exp)
}
func (c *counting) RemoveMember(ctx context.Context, set string, ms ...string) error {
	c.n.Add(1)
	return c.Store.RemoveMember(ctx, set, ms...)
}
func (c *counting) Members(ctx context.Context, set string) ([]string, error) {
	c.n.Add(1)
	return c.Store.Members(ctx, set)
}
func (c *counting) Publish(ctx context.Context, ch, msg string) error {
	c.n.Add(1)
	return c.Store.Publish(ctx, ch, msg)
}

// costBound is the most store operations each step may take; the test
// fails above it. Each is what this branch measured, the same on one Redis
// and on the cluster: every multi-key call keeps to one group, so slots
// force no extra round trip.
var costBound = map[string]int64{
	"password login":                            4, // limiter: Incr per address and per username; Add and SetMany
	"session login (POST /auth/session)":        3, // limiter: Incr per address; the record and activity
	"first request of a session on an instance": 3,
	"request of a cached session":               0,
	"refresh":                                   5,
	"refused password login (wrong password)":   3, // two limiter Incrs, one failure count
}

var costSteps = []string{
	"password login", "session login (POST /auth/session)", "first request of a session on an instance",
	"request of a cached session", "refresh", "refused password login (wrong password)",
}

// TestStoreCost counts the store operations of each step of the flows on
// one Redis and on a three-master cluster, prints the table, and fails when
// a count exceeds its bound.
func TestStoreCost(t *testing.T) {
	single := testenv.StartRedis(t)
	cluster := testenv.StartRedisCluster(t)
	prefix := testenv.UniqueName(t) + ":"
	urls := []struct{ name, url string }{
		{"one Redis", single.URL() + "?key_prefix=" + prefix},
		{"Redis Cluster", cluster.URL() + "&key_prefix=" + prefix},
	}
	got := map[string][]int64{}
	for _, u := range urls {
		for step, n := range storeCost(t, u.url) {
			got[step] = append(got[step], n)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n| step | one Redis | Redis Cluster | bound |\n|---|---|---|---|\n")
	for _, s := range costSteps {
		fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", s, got[s][0], got[s][1], costBound[s])
		for i, n := range got[s] {
			if n > costBound[s] {
				t.Errorf("%s on %s: %d store operations, bound %d", s, urls[i].name, n, costBound[s])
			}
		}
	}
	t.Log(b.String())
}

// storeCost runs each step once on a store at url and returns its
// operation counts. Two session managers on one store play two instances.
func storeCost(t *testing.T, url string) map[string]int64 {
	t.Helper()
	ctx := t.Context()
	cfg := devtenant.Default()
	cfg.Logger = slog.New(slog.DiscardHandler)
	tenant, err := devtenant.Listen("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tenant.Close() })
	raw, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raw.Close() })
	st := &counting{Store: raw}
	quiet := slog.New(slog.DiscardHandler)
	auth, err := auth0gin.New(auth0gin.Config{Domain: tenant.URL, Audience: []string{devtenant.Audience}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	var key [32]byte
	_, _ = rand.Read(key[:])
	keys, err := login.ParseKeys("k:" + base64.StdEncoding.EncodeToString(key[:]))
	if err != nil {
		t.Fatal(err)
	}
	lg, err := login.New(auth, st, login.Config{ClientID: devtenant.RegularClient.ID, ClientSecret: devtenant.RegularClient.Secret,
		Keys: keys, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	var mgrs [2]*session.Manager
	for i := range mgrs {
		if mgrs[i], err = session.New(ctx, auth, st, session.Config{Logger: quiet, LocalCacheTTL: time.Minute}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = mgrs[i].Close() })
	}
	out := map[string]int64{}
	measure := func(step string, f func()) {
		before := st.n.Load()
		f()
		out[step] = st.n.Load() - before
	}
	var ans login.Answer
	measure("password login", func() {
		if ans, _, err = lg.PasswordLogin(ctx, devtenant.Alice.Email, devtenant.Alice.Password, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	})
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.POST("/auth/session", mgrs[0].Login)
	var cookie *http.Cookie
	measure("session login (POST /auth/session)", func() {
		w := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/auth/session", nil)
		req.Header.Set("Authorization", "Bearer "+ans.AccessToken)
		r.ServeHTTP(w, req)
		for _, c := range w.Result().Cookies() {
			cookie = c
		}
		if w.Code != 200 || cookie == nil {
			t.Fatalf("session login: %d %s", w.Code, w.Body)
		}
	})
	req := httptest.NewRequest("GET", "/api/private", nil)
	req.AddCookie(cookie)
	measure("first request of a session on an instance", func() {
		if _, err := mgrs[1].Authenticate(req); err != nil {
			t.Fatal(err)
		}
	})
	measure("request of a cached session", func() {
		if _, err := mgrs[1].Authenticate(req); err != nil {
			t.Fatal(err)
		}
	})
	measure("refresh", func() {
		if _, err := lg.RefreshAccessToken(ctx, ans.AccessToken); err != nil {
			t.Fatal(err)
		}
	})
	measure("refused password login (wrong password)", func() {
		if _, _, err := lg.PasswordLogin(ctx, devtenant.Alice.Email, "wrong", "192.0.2.2"); err == nil {
			t.Fatal("a wrong password logged in")
		}
	})
	return out
}
