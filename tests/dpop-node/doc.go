// Package dpopnode drives the dev tenant and auth0gin's DPoP guards with an
// independent DPoP client: panva's `dpop` (RFC 9449) for node, pinned by
// package.json and package-lock.json here, not code written in this
// repository. The test installs it itself (`npm ci`, tests/internal/npmci)
// and skips without npm, except when the CI environment variable is set,
// where it fails (.ci/run installs node and npm when they are missing).
package dpopnode
