package swagger

import (
	"cmp"
	"encoding"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/auth0gin/auth0gin/auth0gin/internal/apidoc"
)

// describe writes an operation a flow package documented (apidoc.Doc) into
// o: what swag's annotations already say wins, the rest is filled in, so a
// route mounted with no annotation is fully documented and an annotated one
// only gains what it lacks.
func (g *schemas) describe(o map[string]any, path string, d *apidoc.Doc) {
	// Marks the operation as the library's own, for auth0test.CheckContract:
	// its credential may be a session cookie or a held refresh token, which
	// the checker's bearer tokens cannot stand for, and the library's own
	// tests cover its behaviour.
	o["x-auth0gin-mounted"] = cmp.Or(d.Tag, "auth0gin")
	setDefault(o, "summary", d.Summary)
	setDefault(o, "description", d.Description)
	setDefault(o, "operationId", d.ID)
	if _, ok := o["tags"]; !ok && d.Tag != "" {
		o["tags"] = []any{d.Tag}
	}
	if _, ok := o["parameters"]; !ok {
		var params []any
		for _, name := range pathParams(path) {
			p := map[string]any{"in": "path", "name": name, "required": true}
			if g.openAPI3 {
				p["schema"] = map[string]any{"type": "string"}
			} else {
				p["type"] = "string"
			}
			params = append(params, p)
		}
		if d.Body != nil && !g.openAPI3 {
			params = append(params, map[string]any{"in": "body", "name": "body", "required": true,
				"schema": g.schemaOf(reflect.TypeOf(d.Body))})
		}
		if params != nil {
			o["parameters"] = params
		}
	}
	consumes := []any{"application/json"}
	if d.Form {
		consumes = append(consumes, "application/x-www-form-urlencoded")
	}
	if d.Body != nil {
		if g.openAPI3 {
			if _, ok := o["requestBody"]; !ok {
				schema := g.schemaOf(reflect.TypeOf(d.Body))
				content := map[string]any{}
				for _, c := range consumes {
					content[c.(string)] = map[string]any{"schema": schema}
				}
				o["requestBody"] = map[string]any{"required": true, "content": content}
			}
		} else {
			if _, ok := o["consumes"]; !ok {
				o["consumes"] = consumes
			}
			if d.Form {
				// Swagger 2.0 cannot describe one body in two media types
				// (a body and formData parameters exclude each other).
				desc, _ := o["description"].(string)
				o["description"] = strings.TrimSpace(desc + "\n\nThe same fields are accepted as application/x-www-form-urlencoded.")
			}
		}
	}
	if !g.openAPI3 {
		if _, ok := o["produces"]; !ok {
			o["produces"] = []any{"application/json"}
		}
	}
	responses := child(o, "responses")
	for _, r := range d.Responses {
		code := strconv.Itoa(r.Status)
		if _, ok := responses[code]; ok {
			continue
		}
		desc := r.Description
		if desc == "" {
			desc = http.StatusText(r.Status)
		}
		out := map[string]any{"description": desc}
		if r.Model != nil {
			schema := g.schemaOf(reflect.TypeOf(r.Model))
			if g.openAPI3 {
				out["content"] = map[string]any{"application/json": map[string]any{"schema": schema}}
			} else {
				out["schema"] = schema
			}
		}
		if len(r.Headers) > 0 {
			headers := map[string]any{}
			for name, hd := range r.Headers {
				h := map[string]any{"description": hd}
				if g.openAPI3 {
					h["schema"] = map[string]any{"type": "string"}
				} else {
					h["type"] = "string"
				}
				headers[name] = h
			}
			out["headers"] = headers
		}
		responses[code] = out
	}
	if len(responses) == 0 {
		responses["default"] = map[string]any{"description": "The answer"}
	}
}

func setDefault(o map[string]any, key, v string) {
	if _, ok := o[key]; !ok && v != "" {
		o[key] = v
	}
}

var paramRE = regexp.MustCompile(`\{([^}]+)\}`)

// pathParams returns the names of an OpenAPI path's parameters.
func pathParams(p string) []string {
	var names []string
	for _, m := range paramRE.FindAllStringSubmatch(p, -1) {
		names = append(names, m[1])
	}
	return names
}

// schemas generates the models of Go types by reflection into a spec's
// definitions (Swagger 2.0) or components.schemas (OpenAPI 3).
type schemas struct {
	openAPI3 bool
	doc      map[string]any
	names    map[reflect.Type]string
}

func newSchemas(doc map[string]any, openAPI3 bool) *schemas {
	return &schemas{openAPI3: openAPI3, doc: doc, names: map[reflect.Type]string{}}
}

// defs returns the spec's models, creating the object only when a model is
// written.
func (g *schemas) defs() map[string]any {
	if g.openAPI3 {
		return child(child(g.doc, "components"), "schemas")
	}
	return child(g.doc, "definitions")
}

// taken reports whether the spec has a model named name.
func (g *schemas) taken(name string) bool {
	defs := g.doc["definitions"]
	if g.openAPI3 {
		c, _ := g.doc["components"].(map[string]any)
		defs = c["schemas"]
	}
	m, _ := defs.(map[string]any)
	_, ok := m[name]
	return ok
}

func (g *schemas) ref(name string) map[string]any {
	if g.openAPI3 {
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{"$ref": "#/definitions/" + name}
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
	rawType      = reflect.TypeFor[json.RawMessage]()
	textType     = reflect.TypeFor[encoding.TextMarshaler]()
)

// schemaOf returns the schema of t: a $ref for a named struct (defined
// once, under its API name), the schema itself for anything else.
func (g *schemas) schemaOf(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == durationType:
		return map[string]any{"type": "integer", "format": "int64", "description": "nanoseconds"}
	case t == rawType:
		return map[string]any{}
	case t.Kind() != reflect.Struct && t.Kind() != reflect.Interface &&
		(t.Implements(textType) || reflect.PointerTo(t).Implements(textType)):
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16:
		return map[string]any{"type": "integer", "format": "int32"}
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float32:
		return map[string]any{"type": "number", "format": "float"}
	case reflect.Float64:
		return map[string]any{"type": "number", "format": "double"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"}
		}
		return map[string]any{"type": "array", "items": g.schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schemaOf(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t)
		}
		if name, ok := g.names[t]; ok {
			return g.ref(name)
		}
		name := g.nameOf(t)
		g.names[t] = name
		g.defs()[name] = map[string]any{"type": "object"} // taken, for recursive types
		g.defs()[name] = g.object(t)
		return g.ref(name)
	}
	return map[string]any{} // interfaces, funcs, channels: any JSON value
}

// nameOf names a model for the API: the Go type's name with its first
// letter upper-cased (loginRequest → LoginRequest), qualified with its
// package's name when another type (or one of swag's models) has it already.
func (g *schemas) nameOf(t reflect.Type) string {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' || r == '-') {
				return r
			}
			return '_'
		}, s)
	}
	n := clean(t.Name())
	n = strings.ToUpper(n[:1]) + n[1:]
	if !g.taken(n) {
		return n
	}
	pkg := t.PkgPath()
	pkg = pkg[strings.LastIndex(pkg, "/")+1:]
	q := clean(pkg) + "." + n
	for i := 2; ; i++ {
		if !g.taken(q) {
			return q
		}
		q = fmt.Sprintf("%s.%s%d", clean(pkg), n, i)
	}
}

// object is the schema of a struct's JSON encoding: exported fields by their
// json names, embedded structs inlined; omitempty (or omitzero) fields are
// optional, the others required.
func (g *schemas) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []any
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			s := g.schemaOf(ft)
			if strings.Contains(","+opts+",", ",string,") {
				s = map[string]any{"type": "string"}
			}
			props[name] = s
			if !strings.Contains(","+opts+",", ",omitempty,") && !strings.Contains(","+opts+",", ",omitzero,") {
				required = append(required, name)
			}
		}
	}
	walk(t)
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		sort.Slice(required, func(i, j int) bool { return required[i].(string) < required[j].(string) })
		out["required"] = slices.Compact(required)
	}
	return out
}
