package users_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/users"
)

// api is the app under test: /api/me behind the guard and the resolver.
func api(auth *auth0gin.Auth0, res *users.Resolver[users.User]) *gin.Engine {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.GET("/api/me", auth.RequireScopes(), res.Require(), func(c *gin.Context) {
		if m, ok := users.MachineFrom(c); ok {
			c.JSON(http.StatusOK, gin.H{"machine": true, "client_id": m.ClientID})
			return
		}
		cur, _ := users.CurrentFrom[users.User](c)
		c.JSON(http.StatusOK, gin.H{"id": cur.User.ID, "name": cur.User.Name, "transient": cur.Transient})
	})
	return r
}

func get(h http.Handler, token string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "/api/me", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// flakyTenant fronts the dev tenant; while down, its Management API answers
// 503 as Auth0 does in an outage.
type flakyTenant struct {
	*httptest.Server
	down atomic.Bool
}

func newFlakyTenant(t *testing.T, tenant *auth0test.Tenant) *flakyTenant {
	u, err := url.Parse(tenant.URL)
	if err != nil {
		t.Fatal(err)
	}
	f := &flakyTenant{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.down.Load() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `{"statusCode":503,"error":"Service Unavailable","message":"down"}`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/"
}

// TestManagementAPIDown: Auth0 down (5xx, no answer, 429 past the retries)
// gives 503 with Retry-After or a claims-only user, as configured, and
// never a row.
func TestManagementAPIDown(t *testing.T) {
	tenant := newTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	token := tenant.Token(t)
	// Fetch the tenant's keys now: "429 past the retries" rate-limits the
	// whole tenant, its JWKS included, and a guard that cannot get keys
	// answers 503 before the resolver runs, whatever the subtests' order.
	if _, err := auth.Verify(context.Background(), token); err != nil {
		t.Fatal(err)
	}

	outages := map[string]func(t *testing.T) (src users.ProfileSource, recover func()){
		"5xx": func(t *testing.T) (users.ProfileSource, func()) {
			f := newFlakyTenant(t, tenant)
			f.down.Store(true)
			return users.ManagementSource(mgmtClientAt(t, f.URL, tenant.ManagementAudience())), func() { f.down.Store(false) }
		},
		"no answer": func(t *testing.T) (users.ProfileSource, func()) {
			return users.ManagementSource(mgmtClientAt(t, closedPort(t), "")), nil
		},
		"429 past the retries": func(t *testing.T) (users.ProfileSource, func()) {
			tenant.FailNext(1000)
			return users.ManagementSource(mgmtClientAt(t, tenant.URL, tenant.ManagementAudience())), func() { tenant.FailNext(0) }
		},
	}
	for name, outage := range outages {
		t.Run(name, func(t *testing.T) {
			t.Run("refuse", func(t *testing.T) {
				st := sqliteStore(t)
				src, recover := outage(t)
				res := newResolver(t, users.Config[users.User]{Store: st, Profiles: src})
				w := get(api(auth, res), token)
				if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
					t.Fatalf("%d %v %s", w.Code, w.Header(), w.Body)
				}
				var body map[string]string
				if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body["error"] != "temporarily_unavailable" {
					t.Errorf("body: %s", w.Body)
				}
				if n, _ := st.Count(context.Background()); n != 0 {
					t.Errorf("rows after the outage: %d", n)
				}
				if recover != nil {
					recover()
					if w := get(api(auth, res), token); w.Code != http.StatusOK {
						t.Errorf("after recovery: %d %s", w.Code, w.Body)
					}
					if n, _ := st.Count(context.Background()); n != 1 {
						t.Errorf("rows after recovery: %d", n)
					}
				}
			})
			t.Run("claims only", func(t *testing.T) {
				st := sqliteStore(t)
				src, recover := outage(t)
				if recover != nil {
					defer recover()
				}
				res := newResolver(t, users.Config[users.User]{
					Store: st, Profiles: src, Transient: func(p users.Profile) users.User { return users.User{Auth0ID: p.Auth0ID, Email: p.Email, Name: p.Name} },
				})
				w := get(api(auth, res), token)
				var body struct {
					ID        int64 `json:"id"`
					Transient bool  `json:"transient"`
				}
				if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &body) != nil || !body.Transient || body.ID != 0 {
					t.Fatalf("%d %s", w.Code, w.Body)
				}
				if n, _ := st.Count(context.Background()); n != 0 {
					t.Errorf("rows after a claims-only request: %d", n)
				}
			})
		})
	}
}

// TestDatabaseDown: a store that cannot answer gives 503 with Retry-After,
// never a 500 or a 401.
func TestDatabaseDown(t *testing.T) {
	tenant := newTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	token := tenant.Token(t)

	t.Run("sqlite closed", func(t *testing.T) {
		st := sqliteStore(t)
		res := newResolver(t, users.Config[users.User]{Store: st, Profiles: users.ManagementSource(mgmtClient(t, tenant))})
		st.Close()
		if w := get(api(auth, res), token); w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
	})
	t.Run("postgres cut", func(t *testing.T) {
		table := pgSchema(t)
		proxy := newTCPProxy(t, "127.0.0.1:5432")
		u, _ := url.Parse(pgURL())
		u.Host = proxy.addr
		st, err := users.OpenSQL(context.Background(), u.String(), table)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		res := newResolver(t, users.Config[users.User]{Store: st, Profiles: users.ManagementSource(mgmtClient(t, tenant))})
		h := api(auth, res)
		if w := get(h, token); w.Code != http.StatusOK {
			t.Fatalf("before the cut: %d %s", w.Code, w.Body)
		}
		res.InvalidateAll()
		proxy.cut()
		w := get(h, token)
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
			t.Fatalf("cut: %d %s", w.Code, w.Body)
		}
		if s, _ := strconv.Atoi(w.Header().Get("Retry-After")); s < 1 {
			t.Errorf("Retry-After: %q", w.Header().Get("Retry-After"))
		}
	})
}

// tcpProxy forwards to a server until cut, which closes every connection and
// refuses new ones: an outage of the test's own, not of the shared server.
type tcpProxy struct {
	addr string
	ln   net.Listener
	mu   sync.Mutex
	cons []net.Conn
	dead bool
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{addr: ln.Addr().String(), ln: ln}
	t.Cleanup(p.cut)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			if !p.track(c, s) {
				return
			}
			go func() { _, _ = io.Copy(s, c); s.Close() }()
			go func() { _, _ = io.Copy(c, s); c.Close() }()
		}
	}()
	return p
}

func (p *tcpProxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dead {
		for _, c := range cs {
			c.Close()
		}
		return false
	}
	p.cons = append(p.cons, cs...)
	return true
}

func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dead = true
	p.ln.Close()
	for _, c := range p.cons {
		c.Close()
	}
	p.cons = nil
}

// TestNoTokenInLogsOrAnswers: the caller's token travels to /userinfo, and
// nowhere else: not in the resolver's log lines, not in the 503's answer.
func TestNoTokenInLogsOrAnswers(t *testing.T) {
	tenant := newTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	token := tenant.Token(t, auth0test.Scopes("openid", "profile", "email"))
	var logs bytes.Buffer
	for _, src := range []users.ProfileSource{
		users.UserinfoSource(closedPort(t) + "userinfo"),
		users.UserinfoSource(newFlakyDown(t).URL + "/userinfo"),
	} {
		res := newResolver(t, users.Config[users.User]{
			Store: sqliteStore(t), Profiles: src,
			Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		})
		w := get(api(auth, res), token)
		if w.Code != http.StatusServiceUnavailable {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		dump := fmt.Sprint(w.Header()) + w.Body.String()
		if strings.Contains(dump, token) || strings.Contains(dump, token[len(token)-20:]) {
			t.Errorf("the answer carries the token: %s", dump)
		}
	}
	if logs.Len() == 0 {
		t.Fatal("the outage was not logged")
	}
	if strings.Contains(logs.String(), token[len(token)-20:]) {
		t.Errorf("a log line carries the token: %s", logs.String())
	}
}

// newFlakyDown is a server that answers every request 500.
func newFlakyDown(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	return srv
}
