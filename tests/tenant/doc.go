// Package tenant holds black-box tests of the dev tenant with the core: the
// cmd/devtenant program as a process, the browser login flows driven by a
// plain HTTP client, and key rotation under a running app.
package tenant
