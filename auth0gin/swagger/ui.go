package swagger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/gin-gonic/gin"
	swaggerFiles "github.com/swaggo/files"
	ginSwagger "github.com/swaggo/gin-swagger"
	"golang.org/x/net/webdav"
)

// initializerJS writes swagger-initializer.js. gin-swagger's own template
// pastes the client id into a JS string unescaped; here every value is JSON,
// which is a valid JS literal with <, >, & and U+2028/9 escaped.
func initializerJS(ui *ginSwagger.Config) []byte {
	j := func(v any) string {
		b, _ := json.Marshal(v) // strings, bools and ints always marshal
		return string(b)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `window.onload = function() {
  const ui = SwaggerUIBundle({
    url: %s,
    dom_id: '#swagger-ui',
    validatorUrl: null,
    oauth2RedirectUrl: window.location.protocol + "//" + window.location.host +
      window.location.pathname.split('/').slice(0, -1).join('/') + "/oauth2-redirect.html",
    persistAuthorization: %s,
    presets: [
      SwaggerUIBundle.presets.apis,
      SwaggerUIStandalonePreset
    ],
    plugins: [
      SwaggerUIBundle.plugins.DownloadUrl
    ],
    layout: "StandaloneLayout",
    docExpansion: %s,
    deepLinking: %s,
    defaultModelsExpandDepth: %s
  })

  const defaultClientId = %s;
  if (defaultClientId) {
    ui.initOAuth({
      clientId: defaultClientId,
      scopes: %s,
      usePkceWithAuthorizationCodeGrant: %s
    })
  }

  window.ui = ui
}
`, j(ui.URL), j(ui.PersistAuthorization), j(ui.DocExpansion), j(ui.DeepLinking), j(ui.DefaultModelsExpandDepth),
		j(ui.Oauth2DefaultClientID), j(strings.Join(oidcScopes, " ")), j(ui.Oauth2UsePkce))
	return b.Bytes()
}

// redirectScriptHash is the CSP source of the inline script of swagger-ui's
// oauth2-redirect.html, so that page runs under a CSP without
// 'unsafe-inline'. It is "" when the page has no inline script.
func redirectScriptHash() string {
	f, err := swaggerFiles.FS.OpenFile(context.Background(), "oauth2-redirect.html", os.O_RDONLY, 0)
	if err != nil {
		return ""
	}
	defer f.Close()
	page, err := io.ReadAll(f)
	if err != nil {
		return ""
	}
	s := string(page)
	i := strings.Index(s, "<script>")
	j := strings.Index(s, "</script>")
	if i < 0 || j < i {
		return ""
	}
	sum := sha256.Sum256([]byte(s[i+len("<script>") : j]))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// origin returns scheme://host of raw, or "".
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// csp is the Content-Security-Policy of the UI: scripts and styles from the
// handler only (plus inline style attributes, which Swagger UI sets),
// XHR to the handler, the tenant (the code flow's token exchange) and the
// extra origins, and no framing.
func csp(scriptSrc string, connect []string) string {
	return "default-src 'none'; script-src " + scriptSrc +
		"; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:" +
		"; connect-src " + strings.Join(connect, " ") +
		"; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
}

// securityHeaders sets the headers every answer of the handler carries.
func securityHeaders(h http.Header, policy string) {
	h.Set("Content-Security-Policy", policy)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
}

// uiFile returns the file a request asks for, relative to the handler's
// mount point: the value of the route's wildcard ("/docs/*any" → "any"), or
// the last path element for a route without one. ok is false for a nested
// path: every file of the UI sits directly under the mount point.
func uiFile(c *gin.Context) (file string, ok bool) {
	full := c.FullPath()
	if i := strings.LastIndexByte(full, '*'); i >= 0 {
		file = strings.TrimPrefix(c.Param(full[i+1:]), "/")
	} else {
		p := c.Request.URL.Path
		file = p[strings.LastIndexByte(p, '/')+1:]
	}
	return file, plainName(file)
}

// plainName reports whether file is a plain file name: letters, digits, '.',
// '-' and '_' (every file of the UI is named so), not starting with a dot.
func plainName(file string) bool {
	if strings.HasPrefix(file, ".") {
		return false
	}
	for _, r := range file {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// staticUI serves gin-swagger's pages and swagger-ui's files. gin-swagger
// sets its file handler's prefix from the first request it sees, so it only
// ever sees requests rewritten to "/<file>": the prefix is "/" whatever the
// first request was and wherever the handler is mounted.
type staticUI struct {
	serve gin.HandlerFunc
}

func newStaticUI(ui *ginSwagger.Config) *staticUI {
	files := &webdav.Handler{FileSystem: swaggerFiles.FS, LockSystem: webdav.NewMemLS()}
	s := &staticUI{serve: ginSwagger.CustomWrapHandler(ui, files)}
	// Prime the prefix now rather than on a visitor's request.
	c, _ := gin.CreateTestContext(discard{})
	c.Request, _ = http.NewRequest(http.MethodGet, "/index.css", nil)
	c.Request.RequestURI = "/index.css"
	s.serve(c)
	return s
}

// serveFile serves file (which holds no slash) as gin-swagger would at the
// root.
func (s *staticUI) serveFile(c *gin.Context, file string) {
	orig := c.Request
	r := orig.Clone(orig.Context())
	r.URL.Path, r.URL.RawPath, r.URL.RawQuery = "/"+file, "", ""
	r.RequestURI = "/" + file
	r.Method = http.MethodGet
	c.Request = r
	defer func() { c.Request = orig }()
	s.serve(c)
}

// discard is a ResponseWriter that drops everything (for priming).
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
