package main

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// The models below carry swag's @name, so the published docs call them
// Message, PrivateMessage, ... rather than main.Message: the Go package name
// is not part of the API.

// Message is the body of the public route.
type Message struct {
	// A greeting.
	Message string `json:"message" validate:"required" example:"Hello from a public endpoint! You don't need to be authenticated to see this."`
} //	@name	Message

// PrivateMessage is the body of the protected routes: a message and who asked.
type PrivateMessage struct {
	// A greeting.
	Message string `json:"message" validate:"required" example:"Hello from a private endpoint! You need to be authenticated to see this."`
	// Who asked.
	User User `json:"user" validate:"required"`
} //	@name	PrivateMessage

// User is the caller the access token describes.
type User struct {
	// The token's subject: auth0|…, google-oauth2|…, or <client-id>@clients for machine tokens.
	ID string `json:"id" validate:"required" example:"auth0|alice"`
	// The token's permissions (Auth0 RBAC); empty when it has none.
	Permissions []string `json:"permissions" validate:"required" example:"read:messages,write:messages"`
	// The email from the namespaced email claim; null when the token has none (machine tokens).
	Email *string `json:"email" validate:"required" extensions:"x-nullable" example:"alice@example.com"`
} //	@name	User

// TokenError is the body of a 401: the token is missing or invalid. It has
// the shape of auth0gin.ErrorBody; it exists to show a 401's values.
type TokenError struct {
	// invalid_token, or unauthorized when no token was sent.
	Error string `json:"error" example:"invalid_token"`
	// Why the token was refused.
	Description string `json:"error_description,omitempty" example:"token expired"`
} //	@name	TokenError

// UnavailableError is the body of a 503: something the check depends on (the
// tenant, a store, the database) is down; the token may be fine. It has the
// shape of auth0gin.ErrorBody.
type UnavailableError struct {
	// Always temporarily_unavailable.
	Error string `json:"error" example:"temporarily_unavailable"`
	// What is down.
	Description string `json:"error_description,omitempty" example:"user store unavailable"`
} //	@name	UnavailableError

// ScopeError is the body of a 403: the token is valid but lacks a scope. It
// has the shape of auth0gin.ErrorBody; it exists to show a 403's values.
type ScopeError struct {
	// Always insufficient_scope.
	Error string `json:"error" example:"insufficient_scope"`
	// What is missing.
	Description string `json:"error_description" example:"missing scope read:messages"`
	// The scopes that would have been sufficient, space-separated.
	Scope string `json:"scope" example:"read:messages"`
} //	@name	ScopeError

// RequestError is the body of any other refusal (403 csrf_rejected, 429
// too many logins, ...): an error code and a description. It has the shape of
// auth0gin.ErrorBody.
type RequestError struct {
	// The error code.
	Error string `json:"error" example:"csrf_rejected"`
	// Why the request was refused.
	Description string `json:"error_description,omitempty" example:"cross-origin request refused"`
} //	@name	RequestError

func userOf(u *auth0gin.Auth0User) User {
	return User{ID: u.ID, Permissions: u.Permissions, Email: u.Email}
}

// public godoc
//
//	@Summary	A route anyone can call
//	@Tags		messages
//	@Produce	json
//	@Success	200	{object}	Message
//	@Router		/api/public [get]
func public(c *gin.Context) {
	c.JSON(http.StatusOK, Message{Message: "Hello from a public endpoint! You don't need to be authenticated to see this."})
}

// private godoc
//
//	@Summary		A route for any valid access token
//	@Description	Answers 401 with a WWW-Authenticate challenge when the token is missing or invalid. The session cookie from POST /auth/session works too, instead of the token (Swagger 2.0 cannot describe a cookie scheme).
//	@Tags			messages
//	@Produce		json
//	@Success		200	{object}	PrivateMessage
//	@Header			200	{string}	Cache-Control	"no-store"
//	@Failure		401	{object}	TokenError	"Missing or invalid token"
//	@Router			/api/private [get]
func private(c *gin.Context) {
	c.JSON(http.StatusOK, PrivateMessage{
		Message: "Hello from a private endpoint! You need to be authenticated to see this.",
		User:    userOf(auth0gin.MustUser(c)),
	})
}

// scoped godoc
//
//	@Summary		A route that needs the read:messages scope
//	@Description	Answers 401 without a valid token and 403 (error="insufficient_scope") when the token lacks a scope the route requires (see its lock) in its scope or permissions. The session cookie from POST /auth/session works too, instead of the token, with the permissions the token had at login (Swagger 2.0 cannot describe a cookie scheme).
//	@Tags			messages
//	@Produce		json
//	@Success		200	{object}	PrivateMessage
//	@Header			200	{string}	Cache-Control	"no-store"
//	@Failure		401	{object}	TokenError	"Missing or invalid token"
//	@Failure		403	{object}	ScopeError	"The token lacks a required scope"
//	@Router			/api/private-scoped [get]
func scoped(c *gin.Context) {
	c.JSON(http.StatusOK, PrivateMessage{
		Message: "Hello from a private endpoint! You need to be authenticated and have a scope of read:messages to see this.",
		User:    userOf(auth0gin.MustUser(c)),
	})
}

// StepUpError is the body of a step-up route's 401: the token is missing or
// invalid (invalid_token), or its login is too old or too weak
// (insufficient_user_authentication, RFC 9470), and then acr_values and
// max_age say what to ask the next login for, as WWW-Authenticate does. It
// has the shape of auth0gin.ErrorBody.
type StepUpError struct {
	// insufficient_user_authentication, invalid_token, or unauthorized when no token was sent.
	Error string `json:"error" example:"insufficient_user_authentication"`
	// Why the token was refused.
	Description string `json:"error_description,omitempty" example:"a login within the last 300 seconds is required"`
	// The authentication context to ask /authorize for (acr_values), space-separated.
	ACRValues string `json:"acr_values,omitempty" example:"http://schemas.openid.net/pape/policies/2007/06/multi-factor"`
	// The max_age (seconds) to ask /authorize for.
	MaxAge int64 `json:"max_age,omitempty" example:"300"`
} //	@name	StepUpError

// OrganizationError is the body of a 403 on an organization route: the
// token was issued for another organization, or for none. It has the shape
// of auth0gin.ErrorBody.
type OrganizationError struct {
	// Always invalid_organization.
	Error string `json:"error" example:"invalid_organization"`
	// Why the token was refused.
	Description string `json:"error_description" example:"the token was issued for another organization"`
	// The organization the route wanted, when a header can carry it: log in again with organization= set to it.
	Organization string `json:"organization,omitempty" example:"org_acme"`
} //	@name	OrganizationError

// DeletedMessage is the body of a successful delete.
type DeletedMessage struct {
	// What happened.
	Message string `json:"message" validate:"required" example:"Message 1 deleted."`
	// The id of the message.
	ID string `json:"id" validate:"required" example:"1"`
	// Who deleted it.
	User User `json:"user" validate:"required"`
} //	@name	DeletedMessage

// OrgMessages is the body of an organization's messages.
type OrgMessages struct {
	// The organization the token was issued for: its id (org_id).
	Organization string `json:"organization" validate:"required" example:"org_acme"`
	// Its name (org_name), when the tenant puts it in tokens.
	OrganizationName string `json:"organization_name,omitempty" example:"acme"`
	// The organization's messages.
	Messages []string `json:"messages" validate:"required" example:"Welcome to the organization!"`
	// Who asked.
	User User `json:"user" validate:"required"`
} //	@name	OrgMessages

// deleteMessage godoc
//
//	@Summary		Delete a message: needs a multi-factor login of the last 5 minutes
//	@Description	Needs the write:messages scope (403 insufficient_scope without it), then a login within the last 5 minutes with MFA. A token (or session) of an older or weaker login is answered 401 error="insufficient_user_authentication" (RFC 9470), never 403: its WWW-Authenticate challenge and body carry the acr_values and max_age to send to /authorize, and the new token passes. The example keeps no messages: it only says what it would delete.
//	@Tags			messages
//	@Produce		json
//	@Param			id	path		string	true	"The message's id"	extensions(x-example=1)
//	@Success		200	{object}	DeletedMessage
//	@Header			200	{string}	Cache-Control	"no-store"
//	@Failure		401	{object}	StepUpError	"Missing or invalid token, or a login too old or without MFA"
//	@Failure		403	{object}	ScopeError	"The token lacks the write:messages scope"
//	@Router			/api/messages/{id} [delete]
func deleteMessage(c *gin.Context) {
	id := c.Param("id")
	c.JSON(http.StatusOK, DeletedMessage{Message: "Message " + id + " deleted.", ID: id, User: userOf(auth0gin.MustUser(c))})
}

// orgMessages godoc
//
//	@Summary		An organization's messages: needs a token issued for that organization
//	@Description	org is the organization's id (org_…, compared with the token's org_id) or its name (compared with org_id and, case-insensitively, org_name). A token issued for another organization, or for none, is answered 403 error="invalid_organization"; log in again with organization= set to the one in the path. The dev tenant has acme (org_acme: alice) and globex (org_globex: bob).
//	@Tags			organizations
//	@Produce		json
//	@Param			org	path		string	true	"The organization's id or name"	extensions(x-example=org_acme)
//	@Success		200	{object}	OrgMessages
//	@Header			200	{string}	Cache-Control	"no-store"
//	@Failure		401	{object}	TokenError			"Missing or invalid token"
//	@Failure		403	{object}	OrganizationError	"The token is not issued for this organization"
//	@Router			/api/orgs/{org}/messages [get]
func orgMessages(c *gin.Context) {
	u := auth0gin.MustUser(c)
	c.JSON(http.StatusOK, OrgMessages{
		Organization: u.OrgID, OrganizationName: u.OrgName,
		Messages: []string{"Welcome to the organization!"}, User: userOf(u),
	})
}

// DPoPError is the body of a DPoP route's 401: no token, a token without its
// proof, or a proof that fails a check (RFC 9449). The WWW-Authenticate
// challenge says the same, as DPoP error="…", algs="…". It has the shape of
// auth0gin.ErrorBody.
type DPoPError struct {
	// invalid_dpop_proof, use_dpop_nonce, invalid_token, or unauthorized when no token was sent.
	Error string `json:"error" example:"invalid_dpop_proof"`
	// Why the request was refused.
	Description string `json:"error_description,omitempty" example:"the proof's htm is not the request's method"`
} //	@name	DPoPError

// privateBound godoc
//
//	@Summary		A route for DPoP-bound tokens only (RFC 9449)
//	@Description	Only a DPoP-bound token with a fresh proof of its key passes (docs/dpop.md): `Authorization: DPoP <token>` and a `DPoP` proof header for this request. Swagger UI cannot sign proofs: try it with `go run ./cmd/dpop call http://127.0.0.1:6060/api/private-bound`.
//	@Tags			messages
//	@Produce		json
//	@Param			DPoP	header		string	true	"A DPoP proof (RFC 9449) of the token's key for this request"
//	@Success		200		{object}	PrivateMessage
//	@Header			200		{string}	Cache-Control	"no-store"
//	@Failure		401		{object}	DPoPError	"No token, a token that is not DPoP-bound, or a missing or invalid proof"
//	@Router			/api/private-bound [get]
func privateBound(c *gin.Context) {
	c.JSON(http.StatusOK, PrivateMessage{
		Message: "Hello from a DPoP-bound endpoint! Your token is bound to your key, and you proved you hold it.",
		User:    userOf(auth0gin.MustUser(c)),
	})
}
