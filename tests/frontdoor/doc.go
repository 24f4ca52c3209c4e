// Package frontdoor proves the README's "Your own app in five minutes" is a
// user's whole app, as issue 22's acceptance asks: the ```go blocks of
// README.md that name `// yourapp/...` files are written into a module of
// their own (requiring this checkout through a replace directive), and
//
//   - its wiring (everything but imports and handlers) is at most 40 lines;
//   - it has no swag annotation for a library route (@Router /auth/...);
//   - the README's `go tool swag init` line runs (no --parseDependency),
//     and so does the app's //go:generate line;
//   - its own contract test (auth0test.CheckContract) passes with sessions on
//     Redis (SESSION_STORE_URL with a key prefix of the test's own) and the
//     current user in SQLite in memory;
//   - the app, built and run against a tenant, serves a /docs/doc.json that
//     swagger-cli and spectral (tests/internal/oascheck) accept, and its
//     password and device logins answer;
//   - `go version -m` of the app shows SQLite but not pgx, and of the same
//     app with its store/sqlite import removed neither.
//
// The module lives in tests/frontdoor rather than tests/swaggerdocs/testdata
// because its sources are the README's, not files of the repository.
//
// Run it with `go test ./tests/frontdoor/`: it needs Redis at
// 127.0.0.1:6379 (STORETEST_REDIS_URL) and npm, and skips without them
// unless CI is set. The go command downloads what the module cache lacks.
package frontdoor
