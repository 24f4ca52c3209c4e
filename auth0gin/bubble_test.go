package auth0gin_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// handlerTransport serves requests with h in the calling goroutine, with no
// network. Tests of time-dependent key-set and cache logic run inside a
// testing/synctest bubble, whose clock moves only when every goroutine in it
// is blocked: a network read never counts as blocked, a handler waiting on a
// channel or on the request's context does. The handler is the real one
// (the test issuer's or the dev tenant's); only the socket is left out.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	w := &hijackRecorder{ResponseRecorder: httptest.NewRecorder()}
	t.h.ServeHTTP(w, r)
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	if w.hijacked {
		return nil, io.ErrUnexpectedEOF // the connection died without an answer
	}
	return w.Result(), nil
}

// hijackRecorder lets a handler take the "connection" over and drop it.
type hijackRecorder struct {
	*httptest.ResponseRecorder
	hijacked bool
}

func (w *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.hijacked = true
	c, peer := net.Pipe()
	_ = peer.Close()
	return c, bufio.NewReadWriter(bufio.NewReader(c), bufio.NewWriter(c)), nil
}

// inBubble makes c reach the test issuer through handlerTransport, for use
// inside a synctest bubble. Its URLs stay the issuer's; nothing is dialled.
func (ti *testIssuer) inBubble(c auth0gin.Config) auth0gin.Config {
	c.HTTPClient = &http.Client{Transport: handlerTransport{ti.srv.Config.Handler}, Timeout: tenantTimeout}
	return c
}
