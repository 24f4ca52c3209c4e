// Package apidoc lets the module's flow packages (session, login, device
// login) document the routes they mount, so that the spec swagger.Handler
// serves describes them with no swag annotation in the app: the value that
// handles a route is the value that documents it, as with the guards.
//
// A flow wraps its handler with Describe; (*auth0gin.Router).Handle finds
// the Doc among a route's handlers (Of) and records it beside the route's
// guards; package swagger writes the whole operation (summary, request,
// responses, models) into the served spec.
package apidoc

import (
	"reflect"

	"github.com/gin-gonic/gin"
)

// Doc documents one route.
type Doc struct {
	// ID is the operationId (stable; client generators name methods after
	// it). Empty: derived from the method and the path.
	ID string
	// Summary is one line; Description may be longer.
	Summary, Description string
	// Tag groups the operation in Swagger UI ("session", "login", ...).
	Tag string
	// Body is a value of the JSON request body's type (a struct, or a
	// pointer to one), or nil for no body. Its type's name is the model's
	// name in the spec, so name request types for the API.
	Body any
	// Form lists the form fields the route also accepts as
	// application/x-www-form-urlencoded (nil: JSON only).
	Form bool
	// Responses are the answers, by status.
	Responses []Response
}

// Response is one documented answer.
type Response struct {
	Status      int
	Description string
	// Model is a value of the JSON body's type, or nil for no body.
	Model any
	// Headers maps a response header's name to its description.
	Headers map[string]string
}

type probeKey struct{}

// described is a handler with its Doc. Its serve method's values all share
// one code pointer (a closure would not: inlining copies a closure's code
// into each caller), which is how Of tells a described handler from others.
type described struct {
	doc *Doc
	h   gin.HandlerFunc
}

func (d *described) serve(c *gin.Context) {
	if c.Request == nil {
		if dst, ok := c.Keys[probeKey{}].(**Doc); ok {
			*dst = d.doc
			return
		}
	}
	d.h(c)
}

// Describe returns h marked with doc. Gin runs the result as h: a request
// pays one nil check for the mark.
func Describe(doc *Doc, h gin.HandlerFunc) gin.HandlerFunc {
	return (&described{doc: doc, h: h}).serve
}

// describedCode is the code pointer of every handler Describe returns.
var describedCode = reflect.ValueOf((*described)(nil).serve).Pointer()

// Of returns the Doc h was described with.
func Of(h gin.HandlerFunc) (*Doc, bool) {
	if h == nil || reflect.ValueOf(h).Pointer() != describedCode {
		return nil, false
	}
	var d *Doc
	h(&gin.Context{Keys: map[any]any{probeKey{}: &d}})
	return d, d != nil
}
