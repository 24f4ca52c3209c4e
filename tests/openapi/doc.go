// Package openapi checks the spec the library serves at /docs/doc.json with
// the tools client generators and gateways trust: `swagger-cli validate`
// (@apidevtools/swagger-cli) and `spectral lint` with the oas ruleset
// (@stoplight/spectral-cli), both pinned in package.json and
// package-lock.json here. The runner is tests/internal/oascheck, shared with
// tests/frontdoor; it installs the tools itself (`npm ci`) when node_modules
// is missing; with no npm it skips, except when the CI environment variable
// is set, where it fails.
package openapi
