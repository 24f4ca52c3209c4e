package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/testenv/pgtest"
	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
)

// tenantEnv points the example at a tenant the test runs.
func tenantEnv(tn *auth0test.Tenant, more ...string) map[string]string {
	c := tn.Config()
	env := map[string]string{
		"AUTH0_DOMAIN":       c.Domain,
		"AUTH0_API_AUDIENCE": c.Audience[0],
		"AUTH0_EMAIL_CLAIM":  c.EmailClaim,
		"AUTH0_ROLES_CLAIM":  c.RolesClaim,
		"AUTH0_CLIENT_ID":    c.ClientID,
		// The step-up claims the tenant stamps in access tokens.
		"AUTH0_AUTH_TIME_CLAIM": c.AuthTimeClaim,
		"AUTH0_ACR_CLAIM":       c.ACRClaim,
		"AUTH0_AMR_CLAIM":       c.AMRClaim,
	}
	for i := 0; i+1 < len(more); i += 2 {
		env[more[i]] = more[i+1]
	}
	return env
}

// recorder sends requests and keeps every answer (status line, headers other
// than Set-Cookie, body) for the leak check.
type recorder struct {
	mu     sync.Mutex
	seen   bytes.Buffer
	client *http.Client
}

func newRecorder() *recorder {
	return &recorder{client: &http.Client{Timeout: 10 * time.Second}}
}

type answer struct {
	code int
	h    http.Header
	body string
}

func (rc *recorder) do(t *testing.T, method, url string, h map[string]string) answer {
	t.Helper()
	a, err := rc.try(method, url, h)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return a
}

func (rc *recorder) try(method, url string, h map[string]string) (answer, error) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return answer{}, err
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	res, err := rc.client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{}, err
	}
	rc.mu.Lock()
	fmt.Fprintf(&rc.seen, "%d\n", res.StatusCode)
	for k, vs := range res.Header {
		if k != "Set-Cookie" {
			fmt.Fprintf(&rc.seen, "%s: %s\n", k, strings.Join(vs, ", "))
		}
	}
	rc.seen.Write(b)
	rc.seen.WriteByte('\n')
	rc.mu.Unlock()
	return answer{res.StatusCode, res.Header, string(b)}, nil
}

// checkNoLeak fails when a secret shows in a recorded answer.
func (rc *recorder) checkNoLeak(t *testing.T, secrets ...string) {
	t.Helper()
	rc.mu.Lock()
	all := rc.seen.String()
	rc.mu.Unlock()
	if all == "" {
		t.Fatal("nothing recorded: the leak check would prove nothing")
	}
	for i, s := range secrets {
		if s != "" && strings.Contains(all, s) {
			t.Errorf("secret #%d (%.6s…) appears in a response", i, s)
		}
	}
}

// login trades token for a session on app and returns the cookie's value.
func (rc *recorder) login(t *testing.T, app *app, token string) string {
	t.Helper()
	a := rc.do(t, "POST", app.URL+"/auth/session", map[string]string{"Authorization": "Bearer " + token})
	if a.code != 200 {
		t.Fatalf("login: %d %s", a.code, a.body)
	}
	for _, c := range (&http.Response{Header: a.h}).Cookies() {
		if c.Name == "auth0gin_session" {
			return c.Value
		}
	}
	t.Fatalf("login set no cookie: %v", a.h)
	return ""
}

func cookie(v string) map[string]string { return map[string]string{"Cookie": "auth0gin_session=" + v} }

// withQuery adds name=value to a URL's query.
func withQuery(raw, name, value string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestSessionTwoInstances runs two examples on one Redis, and on one
// PostgreSQL: a session made on A works on B, and a logout on B is refused
// by A (whose local cache held the session) within 100 ms.
func TestSessionTwoInstances(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  func(t *testing.T) string // a store of the test's own on the shared server
	}{
		{"redis", func(t *testing.T) string { return redistest.URL() + "?key_prefix=" + redistest.Prefix(t) }},
		{"postgres", func(t *testing.T) string { return withQuery(pgtest.URL(), "schema", pgtest.Schema(t)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tn := auth0test.NewTenant(t)
			env := tenantEnv(tn, "SESSION_STORE_URL", tc.url(t), "SESSION_LOCAL_CACHE_TTL", "1m")
			a, b := startExample(t, env), startExample(t, env)
			rc := newRecorder()
			tok := tn.Token(t)
			sid := rc.login(t, a, tok)
			for _, app := range []*app{a, b, a, b} {
				r := rc.do(t, "GET", app.URL+"/api/private-scoped", cookie(sid))
				if r.code != 200 || !strings.Contains(r.body, devtenant.Alice.Email) {
					t.Fatalf("session on %s: %d %s", app.URL, r.code, r.body)
				}
			}
			if r := rc.do(t, "POST", b.URL+"/auth/logout", cookie(sid)); r.code != 204 {
				t.Fatalf("logout on B: %d %s", r.code, r.body)
			}
			start := time.Now()
			for {
				r := rc.do(t, "GET", a.URL+"/api/private-scoped", cookie(sid))
				if r.code == 401 {
					t.Logf("A refused the session %v after the logout on B answered", time.Since(start))
					break
				}
				if time.Since(start) > 100*time.Millisecond {
					t.Fatalf("A still answers %d %v after the logout on B", r.code, time.Since(start))
				}
				time.Sleep(2 * time.Millisecond)
			}
			rc.checkNoLeak(t, sid, tok)
			a.CheckLogHasNo(t, sid, tok)
			b.CheckLogHasNo(t, sid, tok)
		})
	}
}

// TestSessionSQLiteFile: 32 concurrent logins on one SQLite file all succeed
// (no "database is locked"), and the sessions survive a restart.
func TestSessionSQLiteFile(t *testing.T) {
	tn := auth0test.NewTenant(t)
	file := t.TempDir() + "/sessions.db"
	env := tenantEnv(tn, "SESSION_STORE_URL", "sqlite://"+file, "AUTH0GIN_LOGINS_PER_MINUTE", "1000")
	app := startExample(t, env)
	rc := newRecorder()
	tok := tn.Token(t)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		sids []string
		errs []string
	)
	for range 32 {
		wg.Go(func() {
			a, err := rc.try("POST", app.URL+"/auth/session", map[string]string{"Authorization": "Bearer " + tok})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				errs = append(errs, err.Error())
			case a.code != 200:
				errs = append(errs, fmt.Sprintf("%d %s", a.code, a.body))
			default:
				for _, c := range (&http.Response{Header: a.h}).Cookies() {
					if c.Name == "auth0gin_session" {
						sids = append(sids, c.Value)
					}
				}
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 || len(sids) != 32 {
		t.Fatalf("%d sessions; failures: %v", len(sids), errs)
	}
	if log := app.Log.String(); strings.Contains(strings.ToLower(log), "locked") || strings.Contains(log, "SQLITE_BUSY") {
		t.Errorf("the example logged a locked database:\n%s", log)
	}
	if err := app.Stop(t); err != nil {
		t.Fatalf("stopping: %v", err)
	}
	// The file holds hashes of the secrets, never a secret, and no token (the
	// claims are kept, the signature that would make them a credential is not).
	for _, f := range []string{file, file + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for i, s := range append(sids, tok, tok[strings.LastIndexByte(tok, '.')+1:]) {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds secret #%d", f, i)
			}
		}
	}
	again := startExample(t, env)
	for i, sid := range sids {
		if r := rc.do(t, "GET", again.URL+"/api/private-scoped", cookie(sid)); r.code != 200 {
			t.Fatalf("session %d after the restart: %d %s", i, r.code, r.body)
		}
	}
	rc.checkNoLeak(t, append(sids, tok)...)
	again.CheckLogHasNo(t, append(sids, tok)...)
}

// TestSessionRedisOutage stops the test's own Redis under load: cookie
// requests answer 503 with Retry-After, never 401; bearer requests are
// unaffected; and cookie requests work again within a second of Redis's
// return.
func TestSessionRedisOutage(t *testing.T) {
	redis := startOwnRedis(t)
	tn := auth0test.NewTenant(t)
	app := startExample(t, tenantEnv(tn, "SESSION_STORE_URL", "redis://"+redis.addr()+"/0", "SESSION_LOCAL_CACHE_TTL", "200ms"))
	rc := newRecorder()
	tok := tn.Token(t)
	sid := rc.login(t, app, tok)

	type obs struct {
		at     time.Time // when the request was sent
		cookie bool
		code   int
		retry  string
		body   string
	}
	var (
		mu   sync.Mutex
		seen []obs
		stop = make(chan struct{})
		wg   sync.WaitGroup
	)
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				useCookie := (w+i)%2 == 0
				h := map[string]string{"Authorization": "Bearer " + tok}
				if useCookie {
					h = cookie(sid)
				}
				sent := time.Now()
				a, err := rc.try("GET", app.URL+"/api/private-scoped", h)
				if err != nil {
					t.Errorf("request failed: %v", err)
					return
				}
				mu.Lock()
				seen = append(seen, obs{sent, useCookie, a.code, a.h.Get("Retry-After"), a.body})
				mu.Unlock()
			}
		})
	}
	time.Sleep(500 * time.Millisecond)
	stoppedAt := time.Now()
	redis.Stop()
	time.Sleep(2 * time.Second)
	redis.Start()
	backAt := time.Now()
	time.Sleep(2 * time.Second)
	close(stop)
	wg.Wait()

	var down503, cookieN, bearerN int
	lastBad := time.Time{}
	for _, o := range seen {
		if o.cookie {
			cookieN++
		} else {
			bearerN++
		}
		switch {
		case !o.cookie && o.code != 200:
			t.Errorf("bearer request answered %d during the outage: %s", o.code, o.body)
		case o.cookie && o.code == 401:
			t.Errorf("cookie request answered 401 at +%v (outage at +0): %s", o.at.Sub(stoppedAt), o.body)
		case o.cookie && o.code == 503:
			if o.retry == "" {
				t.Errorf("503 without Retry-After")
			}
			if o.at.After(stoppedAt) && o.at.Before(backAt) {
				down503++
			}
			lastBad = o.at
		case o.cookie && o.code != 200:
			t.Errorf("cookie request answered %d: %s", o.code, o.body)
			lastBad = o.at
		}
	}
	if down503 == 0 {
		t.Errorf("no cookie request saw the outage (%d cookie requests)", cookieN)
	}
	recovery := lastBad.Sub(backAt)
	t.Logf("%d cookie and %d bearer requests; %d answered 503 while Redis was down; the last failing request was sent %v after Redis returned",
		cookieN, bearerN, down503, recovery)
	if recovery > time.Second {
		t.Errorf("cookie requests sent %v after Redis returned still failed", recovery)
	}
	rc.checkNoLeak(t, sid, tok)
	app.CheckLogHasNo(t, sid, tok)
}

// TestLogoutEndsPasswordLogin: the one POST /auth/logout ends the cookie's
// session and, for a Bearer token from POST /auth/login, the refresh token
// the server holds for it.
func TestLogoutEndsPasswordLogin(t *testing.T) {
	app := startExample(t, map[string]string{"DEVTENANT_ADDR": "127.0.0.1:0"})
	rc := newRecorder()
	req, err := http.NewRequest("POST", app.URL+"/auth/login", strings.NewReader(`{"username":"`+devtenant.Alice.Email+`","password":"`+devtenant.Alice.Password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := rc.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(res.Body).Decode(&answer)
	res.Body.Close()
	if res.StatusCode != 200 || err != nil || answer.AccessToken == "" {
		t.Fatalf("password login: %d %v", res.StatusCode, err)
	}
	bearer := map[string]string{"Authorization": "Bearer " + answer.AccessToken}
	sid := rc.login(t, app, answer.AccessToken)
	both := map[string]string{"Authorization": "Bearer " + answer.AccessToken, "Cookie": "auth0gin_session=" + sid}
	if r := rc.do(t, "POST", app.URL+"/auth/logout", both); r.code != 204 {
		t.Fatalf("logout: %d %s", r.code, r.body)
	}
	if r := rc.do(t, "GET", app.URL+"/api/private", cookie(sid)); r.code != 401 {
		t.Errorf("the session after logout: %d", r.code)
	}
	if r := rc.do(t, "POST", app.URL+"/auth/refresh", bearer); r.code != 401 {
		t.Errorf("refresh after logout: %d %s", r.code, r.body)
	}
	rc.checkNoLeak(t, sid)
	app.CheckLogHasNo(t, sid, answer.AccessToken)
}
