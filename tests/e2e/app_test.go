package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/tests/internal/exampleapp"
)

// startTimeout bounds how long the example may take to start listening.
const startTimeout = exampleapp.StartTimeout

// app is a running example process.
type app = exampleapp.App

// startExample runs the example with env (see exampleapp.Start).
func startExample(t *testing.T, env map[string]string) *app {
	t.Helper()
	return exampleapp.Start(t, exampleBin, env)
}

// cleanEnv is the test's environment without the variables the example reads.
func cleanEnv() []string { return exampleapp.CleanEnv() }

// getJSON does a GET with an optional bearer token.
func get(t *testing.T, url, token string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	var body bytes.Buffer
	if _, err := body.ReadFrom(res.Body); err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	return res, body.Bytes()
}

func describe(res *http.Response, body []byte) string {
	return fmt.Sprintf("%d %s, WWW-Authenticate %q, body %s", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("WWW-Authenticate"), body)
}
