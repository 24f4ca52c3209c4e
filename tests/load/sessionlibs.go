package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/alexedwards/scs/redisstore"
	"github.com/alexedwards/scs/v2"
	"github.com/gin-gonic/gin"
	"github.com/gomodule/redigo/redis"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// The best-known Go session libraries, served like package session's hot
// variant so that the session section and BenchmarkPaired/sessions compare
// them side by side in one run: the same route, the same answer, one hot
// session cookie. Each is used as its README shows.
//
//   - scs (github.com/alexedwards/scs/v2): SessionManager.LoadAndSave around
//     the Gin engine, the session read with GetString; on its default
//     memstore, or on redisstore over a redigo pool (one GET per request).
//   - gorilla/sessions: a CookieStore with one 32-byte authentication key
//     (the session's values in the cookie, signed), CookieStore.Get then a
//     value read.
//
// A login (POST loginRoute with a bearer token, verified by auth0gin)
// stores the token's subject in the session; the route answers 401 unless
// the session holds one. Unlike auth0gin's guard, the libraries check no
// scope: they are the session alone.
const (
	libSCSMem   = "scs-memstore"
	libSCSRedis = "scs-redisstore"
	libGorilla  = "gorilla-cookiestore"
)

// The cookie each library's session travels in.
const (
	scsCookie     = "session" // scs's default
	gorillaCookie = "gorilla_session"
	// sessionUserKey is the session value holding the user's subject.
	sessionUserKey = "user"
)

// isSessionLib says whether spec (an envSessions value) names a library.
func isSessionLib(spec string) bool {
	return spec == libSCSMem || spec == libSCSRedis || spec == libGorilla
}

// libSessionHandler serves loginRoute and route with lib's sessions, logins
// verified by auth0gin at issuerURL; release frees its Redis pool.
func libSessionHandler(lib, issuerURL string) (h http.Handler, release func() error, err error) {
	a, err := auth0gin.New(auth0gin.Config{Domain: issuerURL, Audience: []string{audience}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, nil, fmt.Errorf("auth0gin.New: %w", err)
	}
	release = func() error { return nil }
	r := gin.New()
	switch lib {
	case libSCSMem, libSCSRedis:
		sm := scs.New() // memstore, 24 h lifetime, cookie "session"
		if lib == libSCSRedis {
			// scs's README's pool, with room for every connection of the
			// load: no request redials.
			pool := &redis.Pool{MaxIdle: 64, IdleTimeout: time.Minute,
				Dial: func() (redis.Conn, error) { return redis.Dial("tcp", redisAddr) }}
			sm.Store = redisstore.NewWithPrefix(pool, fmt.Sprintf("load-scs-%d:", time.Now().UnixNano()))
			sm.Lifetime = 10 * time.Minute // the harness's keys expire soon after the run
			release = pool.Close
		}
		r.POST(loginRoute, a.RequireScopes(scope), func(c *gin.Context) {
			sm.Put(c.Request.Context(), sessionUserKey, auth0gin.MustUser(c).ID)
			c.JSON(http.StatusOK, gin.H{"user": auth0gin.MustUser(c).ID})
		})
		r.GET(route, func(c *gin.Context) {
			if sm.GetString(c.Request.Context(), sessionUserKey) == "" {
				c.AbortWithStatus(http.StatusUnauthorized)
				return
			}
			answer(c)
		})
		return sm.LoadAndSave(r), release, nil
	case libGorilla:
		cs := sessions.NewCookieStore(securecookie.GenerateRandomKey(32))
		r.POST(loginRoute, a.RequireScopes(scope), func(c *gin.Context) {
			s, _ := cs.Get(c.Request, gorillaCookie) // a new session when the cookie is absent or invalid
			s.Values[sessionUserKey] = auth0gin.MustUser(c).ID
			if err := s.Save(c.Request, c.Writer); err != nil {
				c.AbortWithStatus(http.StatusInternalServerError)
				return
			}
			c.JSON(http.StatusOK, gin.H{"user": auth0gin.MustUser(c).ID})
		})
		r.GET(route, func(c *gin.Context) {
			s, err := cs.Get(c.Request, gorillaCookie)
			if err != nil {
				c.AbortWithStatus(http.StatusUnauthorized)
				return
			}
			if id, _ := s.Values[sessionUserKey].(string); id == "" {
				c.AbortWithStatus(http.StatusUnauthorized)
				return
			}
			answer(c)
		})
		return r, release, nil
	}
	return nil, nil, errors.New("unknown session library " + lib)
}

// libCookie is the name of the cookie lib's session travels in.
func libCookie(lib string) string {
	if lib == libGorilla {
		return gorillaCookie
	}
	return scsCookie
}

// modVersion is the version of module path this binary was built with, or
// "" when the build does not say.
func modVersion(path string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, m := range bi.Deps {
		if m.Path == path {
			if m.Replace != nil {
				return m.Replace.Version
			}
			return m.Version
		}
	}
	return ""
}
