package login

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// Manager logs users in with a password, keeps their refresh tokens
// encrypted in a store, and refreshes and logs out by access token. Build one
// with New at start-up and mount its handlers; it is safe for concurrent
// use, and several instances may share one store.
type Manager struct {
	cfg   Config
	auth  *auth0gin.Auth0
	store store.Store
	keys  *Keyring
	realm string
	rate  *limiter

	mu      sync.Mutex
	flights map[string]*flight // refreshes in progress in this process, by token hash
	ghosts  ghosts             // locks this process may hold unknowingly
	tel     *loginTel          // OpenTelemetry instruments (telemetry.go)
}

// New checks cfg and returns a Manager. It contacts neither the tenant nor
// the store, so an app starts while either is down. Its configuration
// errors wrap auth0gin.ErrConfig.
func New(auth *auth0gin.Auth0, st store.Store, cfg Config) (*Manager, error) {
	if auth == nil || st == nil {
		return nil, errConfig("New needs an *auth0gin.Auth0 and a store")
	}
	c, err := cfg.resolve(auth)
	if err != nil {
		return nil, err
	}
	realm := strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, auth.Config().Realm)
	tel := newLoginTel(auth)
	c.HTTPClient = tel.client(auth, c.HTTPClient, c.TenantTimeout) // tenant calls are spans, timed
	st = tel.st.Instrument(st, nil)                                // store round trips are spans and metrics
	return &Manager{
		tel: tel, cfg: c, auth: auth, store: st, keys: c.Keys, realm: realm,
		rate:    newLimiter(c, st),
		flights: map[string]*flight{},
	}, nil
}

// Answer is the body of a successful login or refresh (LoginAnswer in the
// API docs). It never carries the refresh token, which stays on the server.
type Answer struct {
	// AccessToken is the access token, for Authorization: Bearer.
	AccessToken string `json:"access_token" example:"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9..."`
	// TokenType is always Bearer.
	TokenType string `json:"token_type" example:"Bearer"`
	// ExpiresIn is the seconds until the access token expires.
	ExpiresIn int64 `json:"expires_in" example:"86400"`
}

// loginAnswer is Answer as the API docs name it (LoginAnswer).
type loginAnswer Answer

// flight is one refresh in progress in this process; racing callers with
// the same access token wait for it instead of starting their own.
type flight struct {
	done chan struct{}
	ans  Answer
	err  error
}

// once runs fn for key unless a run is in progress, in which case it waits
// for that run's result. fn runs detached from any one caller's context, so
// a caller that gives up does not fail the others.
func (m *Manager) once(ctx context.Context, key string, fn func(context.Context) (Answer, error)) (Answer, error) {
	m.mu.Lock()
	f, ok := m.flights[key]
	if !ok {
		f = &flight{done: make(chan struct{})}
		m.flights[key] = f
		m.mu.Unlock()
		go func() {
			defer func() {
				if p := recover(); p != nil {
					m.cfg.Logger.Error("login: a refresh panicked", "panic", fmt.Sprint(p))
					f.ans, f.err = Answer{}, unavailable("temporarily unavailable; try again later", 0, fmt.Errorf("panic: %v", p))
				}
				m.mu.Lock()
				delete(m.flights, key)
				m.mu.Unlock()
				close(f.done)
			}()
			f.ans, f.err = fn(context.WithoutCancel(ctx))
		}()
	} else {
		m.mu.Unlock()
	}
	select {
	case <-f.done:
		return f.ans, f.err
	case <-ctx.Done():
		return Answer{}, unavailable("the refresh did not finish in time; try again", 0, ctx.Err())
	}
}
