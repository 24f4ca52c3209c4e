// Package e2e holds black-box tests of the example app: it is built with
// `go build` and run as a process, against a dev tenant started by the test
// or the one it embeds, and driven over HTTP and through Swagger UI in a real
// browser (Debian's chromium, through chromedp).
//
// Run them with `go test ./tests/e2e/`. The browser test skips when no
// chromium is installed, except when the CI environment variable is set;
// its screenshots go to $AUTH0GIN_ARTIFACTS (default: a temporary directory).
package e2e
