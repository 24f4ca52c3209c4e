package main

// The bodies of the password-login routes, as the published docs show them.
// They have the shapes of login.Credentials, login.Answer and
// login.ErrorBody; they exist so the spec names them without a Go package.

// LoginCredentials is the body of POST /auth/login (JSON or form).
type LoginCredentials struct {
	// The user's email.
	Username string `json:"username" example:"alice@example.com"`
	// The user's password.
	Password string `json:"password" example:"alice-password"`
} //	@name	LoginCredentials

// LoginAnswer is the body of a successful login or refresh: an access token
// only, since the refresh token stays on the server.
type LoginAnswer struct {
	// The access token, for Authorization: Bearer.
	AccessToken string `json:"access_token" example:"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9..."`
	// Always Bearer.
	TokenType string `json:"token_type" example:"Bearer"`
	// Seconds until the access token expires.
	ExpiresIn int64 `json:"expires_in" example:"86400"`
} //	@name	LoginAnswer

// LoginError is the body of a refused login or refresh.
type LoginError struct {
	// An OAuth error code (invalid_grant, too_many_attempts, ...).
	Error string `json:"error" example:"invalid_grant"`
	// Why, as Auth0 says it.
	Description string `json:"error_description" example:"Wrong email or password."`
} //	@name	LoginError
