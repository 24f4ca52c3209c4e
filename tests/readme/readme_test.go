// Package readme builds every Go snippet of the repository's README.md, so the
// README cannot rot: a snippet that no longer compiles fails CI with the
// README line it came from.
//
// The convention, for whoever adds a snippet:
//
//   - Every ```go block is compiled, each as its own package, in a throwaway
//     module named example.com/yourapp that requires this repository through
//     a replace directive.
//   - A block that starts with a package clause is a whole file and is
//     compiled as written (a complete `package main` program, say).
//   - Any other block is a file without its package clause: imports, then
//     declarations (types, funcs, vars). `package readme` is put in front of
//     it. Statements belong inside a func, so a fragment reads as
//     `func routes(r *gin.Engine, auth *auth0gin.Auth0) { ... }`.
//   - Every block shows its imports; an unused or missing one fails the build.
//   - The throwaway module holds a package example.com/yourapp/docs with a
//     SwaggerInfo, as `swag init` generates in an app, for snippets that
//     mount Swagger UI.
//   - A block that must not be compiled (pseudo-code) is fenced as ```text,
//     not ```go.
//
// Errors are reported at README.md:LINE through //line directives.
package readme_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// block is one ```go block of a Markdown file.
type block struct {
	line int    // the line of the block's first line of code, 1-based
	code string // the code between the fences
}

// goBlocks returns the ```go blocks of a Markdown document.
func goBlocks(md []byte) ([]block, error) {
	var (
		out    []block
		cur    *block
		buf    strings.Builder
		indent string
	)
	sc := bufio.NewScanner(bytes.NewReader(md))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimLeft(line, " \t")
		switch {
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			lang := strings.TrimSpace(strings.TrimPrefix(trimmed, "```"))
			if lang == "go" {
				cur = &block{line: n + 1}
				indent = line[:len(line)-len(trimmed)]
				buf.Reset()
			} else {
				// Skip a fenced block of another language: a ```go inside it is text.
				for n++; sc.Scan(); n++ {
					if isClosingFence(sc.Text()) {
						break
					}
				}
			}
		case cur != nil && isClosingFence(line):
			cur.code = buf.String()
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			buf.WriteString(strings.TrimPrefix(line, indent))
			buf.WriteByte('\n')
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("README.md:%d: a ```go block is never closed", cur.line-1)
	}
	return out, sc.Err()
}

// isClosingFence reports whether line closes a fenced block: a fence with no
// info string after it (CommonMark).
func isClosingFence(line string) bool {
	l := strings.TrimSpace(line)
	return strings.HasPrefix(l, "```") && strings.Trim(l, "`") == ""
}

// hasPackageClause reports whether code starts (after comments and blank
// lines) with a package clause.
func hasPackageClause(code string) bool {
	inBlockComment := false
	for line := range strings.SplitSeq(code, "\n") {
		l := strings.TrimSpace(line)
		switch {
		case inBlockComment:
			if strings.Contains(l, "*/") {
				inBlockComment = false
			}
		case l == "" || strings.HasPrefix(l, "//"):
		case strings.HasPrefix(l, "/*"):
			inBlockComment = !strings.Contains(l, "*/")
		default:
			return strings.HasPrefix(l, "package ")
		}
	}
	return false
}

// source is the Go file a block of the file readme becomes, with a //line
// directive mapping it back to the README.
func source(readme string, b block) string {
	directive := fmt.Sprintf("//line %s:%d\n", readme, b.line)
	if hasPackageClause(b.code) {
		return directive + b.code
	}
	return "package readme\n\n" + directive + b.code
}

const docsPackage = `// Package docs stands for what swag init generates in an app.
package docs

import "github.com/swaggo/swag"

// SwaggerInfo is the app's spec.
var SwaggerInfo = &swag.Spec{Version: "1.0", Title: "yourapp", SwaggerTemplate: "{}"}
`

func TestREADMESnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module in a subprocess")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := goBlocks(md)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) == 0 {
		t.Fatal("README.md has no ```go block")
	}

	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", fmt.Sprintf("module example.com/yourapp\n\ngo 1.25.0\n\nrequire github.com/auth0gin/auth0gin v0.0.0\n\nreplace github.com/auth0gin/auth0gin => %s\n", root))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write("go.sum", string(sum))
	write("docs/docs.go", docsPackage)
	for _, b := range blocks {
		write(fmt.Sprintf("readme_line%04d/snippet.go", b.line), source(filepath.Join(root, "README.md"), b))
	}

	// -mod=mod lets the go command add the requirements a snippet's imports
	// need (gin, say) from what the checkout's go.sum already pins.
	cmd := exec.Command("go", "vet", "-mod=mod", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's Go snippets do not build (%d blocks; see the convention in this file's package doc):\n%s", len(blocks), out)
	}
	t.Logf("%d README blocks build", len(blocks))
}

func TestGoBlocks(t *testing.T) {
	md := "# t\n\n```go\na := 1\n```\n\n```sh\n```go\n```\n\n   ```go\n   package main\n   ```\n"
	bs, err := goBlocks([]byte(md))
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 2 || bs[0].line != 4 || bs[0].code != "a := 1\n" || bs[1].line != 12 || bs[1].code != "package main\n" {
		t.Fatalf("%+v", bs)
	}
	if !hasPackageClause("// c\n\npackage x\n") || hasPackageClause("import \"fmt\"\n") {
		t.Error("hasPackageClause")
	}
	if src := source("README.md", bs[0]); !strings.HasPrefix(src, "package readme\n\n//line README.md:4\na := 1") {
		t.Errorf("source = %q", src)
	}
	if _, err := goBlocks([]byte("```go\nx\n")); err == nil || !strings.Contains(err.Error(), "README.md:1") {
		t.Errorf("unclosed block: %v", err)
	}
}
