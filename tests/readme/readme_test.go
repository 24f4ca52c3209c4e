// Package readme keeps the repository's Markdown honest: every Go snippet of
// README.md and of the guides in docs/ is built, so a snippet that no longer
// compiles fails CI with the FILE:LINE it came from; the README and each guide
// stay within their line budgets; and every relative link points at a file
// (and heading) that exists.
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
//   - A block whose first line is a file name comment (`// yourapp/main.go`,
//     `// yourapp/main_test.go`) is that file: blocks of one Markdown file
//     naming files in one directory are compiled together, as one package,
//     so a program and its test can be shown apart.
//   - A block that must not be compiled (pseudo-code) is fenced as ```text,
//     not ```go.
//
// Errors are reported at FILE:LINE (README.md:42, docs/sessions.md:17) through
// //line directives.
//
// The build needs nothing a fresh machine lacks: the module's go.sum pins
// every dependency, and the go command fetches what its cache does not hold
// through the user's own GOPROXY (no GOPROXY=off, no -mod=vendor).
package readme_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Line budgets: the README is a front door, each guide one flow.
const (
	readmeMaxLines = 350
	guideMaxLines  = 250
)

// generated lists the pages of docs/ that a program writes, with the command
// that writes them: they are measured output, not guides, so the guides' line
// budget does not apply to them (their snippets and links are still checked).
var generated = map[string]string{
	"performance.md":  "go run ./tests/load -full -out docs/performance.md",
	"instructions.md": "bash tests/load/instr/run.sh",
}

// block is one ```go block of a Markdown file.
type block struct {
	line int    // the line of the block's first line of code, 1-based
	code string // the code between the fences
}

// goBlocks returns the ```go blocks of a Markdown document; name is the
// document's name in errors.
func goBlocks(name string, md []byte) ([]block, error) {
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
		return nil, fmt.Errorf("%s:%d: a ```go block is never closed", name, cur.line-1)
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

// source is the Go file a block of the file md becomes, with a //line
// directive mapping it back to the Markdown.
func source(md string, b block) string {
	directive := fmt.Sprintf("//line %s:%d\n", md, b.line)
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

// repoRoot is the repository's root directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// markdownFiles returns README.md and docs/*.md, relative to root, sorted.
func markdownFiles(t *testing.T, root string) []string {
	t.Helper()
	guides, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files := []string{"README.md"}
	for _, g := range guides {
		files = append(files, filepath.Join("docs", filepath.Base(g)))
	}
	slices.Sort(files[1:])
	return files
}

// fileTag matches a block's first line when it names the file the block is.
var fileTag = regexp.MustCompile(`^//\s*([A-Za-z0-9_./-]+\.go)\s*$`)

// target is where a block of the Markdown file md is written in the
// throwaway module: a file of its own package, or the file its first line
// names, in a package shared with the blocks naming the same directory.
func target(md string, b block) string {
	first, _, _ := strings.Cut(strings.TrimLeft(b.code, "\n"), "\n")
	if m := fileTag.FindStringSubmatch(strings.TrimSpace(first)); m != nil {
		name := filepath.Clean(filepath.FromSlash(m[1]))
		if !filepath.IsLocal(name) {
			name = filepath.Base(name)
		}
		dir := strings.NewReplacer(string(filepath.Separator), "_", "-", "_", ".", "_").Replace(filepath.Dir(name))
		return filepath.Join(dirName(md, 0)+"_"+dir, filepath.Base(name))
	}
	return filepath.Join(dirName(md, b.line), "snippet.go")
}

// dirName is the package directory of a block: docs/sessions.md's block at
// line 17 builds in docs_sessions_line0017.
func dirName(md string, line int) string {
	base := strings.TrimSuffix(filepath.ToSlash(md), ".md")
	base = strings.ToLower(strings.NewReplacer("/", "_", "-", "_", ".", "_").Replace(base))
	return fmt.Sprintf("%s_line%04d", base, line)
}

func TestSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module in a subprocess")
	}
	root := repoRoot(t)
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

	total := 0
	seen := map[string]bool{}
	for _, md := range markdownFiles(t, root) {
		text, err := os.ReadFile(filepath.Join(root, md))
		if err != nil {
			t.Fatal(err)
		}
		blocks, err := goBlocks(md, text)
		if err != nil {
			t.Fatal(err)
		}
		if md == "README.md" && len(blocks) == 0 {
			t.Fatal("README.md has no ```go block")
		}
		for _, b := range blocks {
			f := target(md, b)
			if seen[f] {
				t.Fatalf("%s:%d: a second block names %s", md, b.line, filepath.Base(f))
			}
			seen[f] = true
			write(f, source(filepath.Join(root, md), b))
		}
		total += len(blocks)
	}

	write("go.mod", fmt.Sprintf("module example.com/yourapp\n\ngo 1.25.0\n\nrequire github.com/auth0gin/auth0gin v0.0.0\n\nreplace github.com/auth0gin/auth0gin => %s\n", root))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write("go.sum", string(sum))
	write("docs/docs.go", docsPackage)

	// -mod=mod lets the go command add the requirements a snippet's imports
	// need (gin, say): they are in this repository's module graph, pinned by
	// its go.sum, and downloaded through the user's GOPROXY when the module
	// cache lacks them. GOFLAGS is emptied so that a -mod=vendor or
	// -mod=readonly of the caller's does not apply to the throwaway module.
	cmd := exec.Command("go", "vet", "-mod=mod", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the Go snippets of the README and docs/ do not build (%d blocks; see the convention in this file's package doc):\n%s", total, out)
	}
	t.Logf("%d Go blocks build", total)
}

func TestLineBudgets(t *testing.T) {
	root := repoRoot(t)
	for _, md := range markdownFiles(t, root) {
		text, err := os.ReadFile(filepath.Join(root, md))
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.Count(text, []byte("\n"))
		if len(text) > 0 && text[len(text)-1] != '\n' {
			lines++
		}
		limit := guideMaxLines
		switch {
		case md == "README.md":
			limit = readmeMaxLines
		case generated[filepath.Base(md)] != "":
			if !bytes.Contains(text, []byte("Generated by")) {
				t.Errorf("%s is listed as generated (%s) but does not say so: remove it from the list, or regenerate it", md, generated[filepath.Base(md)])
			}
			continue
		}
		if lines > limit {
			t.Errorf("%s has %d lines, over its budget of %d: move a section to a guide of its own", md, lines, limit)
		}
	}
}

// link finds Markdown links and images: [text](target); codeSpan finds
// inline code, whose brackets are Go (users.From[U](ctx)), not links.
var (
	link     = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	codeSpan = regexp.MustCompile("`[^`]*`")
)

// headingAnchors returns the GitHub anchors of a Markdown file's headings.
func headingAnchors(md []byte) map[string]bool {
	anchors := map[string]bool{}
	seen := map[string]int{}
	inFence := false
	for line := range strings.SplitSeq(string(md), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") {
			inFence = !inFence
			continue
		}
		if inFence || !strings.HasPrefix(t, "#") {
			continue
		}
		a := slug(strings.TrimLeft(t, "#"))
		if n := seen[a]; n > 0 {
			anchors[fmt.Sprintf("%s-%d", a, n)] = true
		} else {
			anchors[a] = true
		}
		seen[a]++
	}
	return anchors
}

// slug is GitHub's anchor for a heading: lower case, punctuation dropped,
// spaces turned into hyphens.
func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestRelativeLinks(t *testing.T) {
	root := repoRoot(t)
	anchors := map[string]map[string]bool{}
	anchorsOf := func(p string) (map[string]bool, error) {
		if a, ok := anchors[p]; ok {
			return a, nil
		}
		text, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		anchors[p] = headingAnchors(text)
		return anchors[p], nil
	}
	for _, md := range markdownFiles(t, root) {
		text, err := os.ReadFile(filepath.Join(root, md))
		if err != nil {
			t.Fatal(err)
		}
		inFence := false
		for i, line := range strings.Split(string(text), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "```") {
				inFence = !inFence
			}
			if inFence {
				continue
			}
			for _, m := range link.FindAllStringSubmatch(codeSpan.ReplaceAllString(line, ""), -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				file, frag, _ := strings.Cut(target, "#")
				p := filepath.Join(root, md)
				if file != "" {
					p = filepath.Join(filepath.Dir(p), file)
					if _, err := os.Stat(p); err != nil {
						t.Errorf("%s:%d: link to %s: no such file", md, i+1, target)
						continue
					}
				}
				if frag == "" || !strings.HasSuffix(p, ".md") {
					continue
				}
				a, err := anchorsOf(p)
				if err != nil {
					t.Fatal(err)
				}
				if !a[frag] {
					t.Errorf("%s:%d: link to %s: no heading with that anchor", md, i+1, target)
				}
			}
		}
	}
}

func TestGoBlocks(t *testing.T) {
	md := "# t\n\n```go\na := 1\n```\n\n```sh\n```go\n```\n\n   ```go\n   package main\n   ```\n"
	bs, err := goBlocks("README.md", []byte(md))
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
	if _, err := goBlocks("docs/guards.md", []byte("```go\nx\n")); err == nil || !strings.Contains(err.Error(), "docs/guards.md:1") {
		t.Errorf("unclosed block: %v", err)
	}
	if f := target("README.md", block{line: 9, code: "// yourapp/main_test.go\npackage main\n"}); f != filepath.Join("readme_line0000_yourapp", "main_test.go") {
		t.Errorf("target = %q", f)
	}
	if f := target("README.md", block{line: 9, code: "package main\n"}); f != filepath.Join("readme_line0009", "snippet.go") {
		t.Errorf("target = %q", f)
	}
	if d := dirName(filepath.Join("docs", "device-login.md"), 17); d != "docs_device_login_line0017" {
		t.Errorf("dirName = %q", d)
	}
	if s := slug("dev / int / prod"); s != "dev--int--prod" {
		t.Errorf("slug = %q", s)
	}
	if s := slug("Password login, refresh tokens kept on the server"); s != "password-login-refresh-tokens-kept-on-the-server" {
		t.Errorf("slug = %q", s)
	}
	if a := headingAnchors([]byte("# A\n```sh\n# not a heading\n```\n## A\n")); !a["a"] || !a["a-1"] || a["not-a-heading"] {
		t.Errorf("headingAnchors = %v", a)
	}
}
