// Package swaggerdocs tests, as a user would meet it, that an app's API docs
// come from its code: apps written in their own module (testdata/apps, with a
// replace directive to this checkout) run `swag init`, are built and started,
// and their served spec and their own contract tests are checked.
//
// Run them with `go test ./tests/swaggerdocs/`; they need the module cache
// (they build offline, with GOPROXY=off) and take a minute or two.
package swaggerdocs
