// Package doccover checks the house rule that godoc is the first manual: every
// exported name of the repository's packages has a doc comment (top-level
// names and methods of exported types; a trailing line comment counts for a
// const or var; struct fields are left to judgement, as golint did), every
// package but a command has a package doc, and each library package's doc
// shows its import line.
package doccover_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/auth0gin/auth0gin"

func TestEveryExportedNameIsDocumented(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[string]bool{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			dirs[filepath.Dir(path)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for dir := range dirs {
		rel, _ := filepath.Rel(root, dir)
		for _, p := range problems(t, dir, filepath.ToSlash(rel)) {
			t.Error(p)
		}
		checked++
	}
	if checked < 5 {
		t.Fatalf("only %d packages found under %s", checked, root)
	}
}

// problems lists what dir's package lacks.
func problems(t *testing.T, dir, rel string) []string {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var (
		out     []string
		pkgName string
		pkgDoc  string
	)
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		if !buildable(f) {
			continue
		}
		pkgName = f.Name.Name
		if f.Doc != nil {
			pkgDoc += f.Doc.Text()
		}
		undocumented := func(pos token.Pos, what string) {
			out = append(out, fset.Position(pos).String()+": undocumented "+what)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() || d.Doc != nil {
					continue
				}
				if d.Recv == nil {
					undocumented(d.Pos(), d.Name.Name)
				} else if recv := receiver(d.Recv.List[0].Type); ast.IsExported(recv) {
					undocumented(d.Pos(), recv+"."+d.Name.Name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if !s.Name.IsExported() {
							continue
						}
						if s.Doc == nil && d.Doc == nil {
							undocumented(s.Pos(), s.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() && s.Doc == nil && s.Comment == nil && d.Doc == nil {
								undocumented(n.Pos(), n.Name)
							}
						}
					}
				}
			}
		}
	}
	if pkgName == "" || pkgName == "main" {
		return out
	}
	if pkgDoc == "" {
		return append(out, rel+": package "+pkgName+" has no doc comment")
	}
	internal := strings.HasPrefix(rel, "internal/") || strings.Contains(rel, "/internal/") || strings.HasPrefix(rel, "tests/")
	// A driver imported for its side effect (a store backend) shows its
	// blank import instead.
	if imp := `import "` + module + "/" + rel + `"`; !internal && rel != "docs" && !strings.Contains(pkgDoc, imp) &&
		!strings.Contains(pkgDoc, `import _ "`+module+"/"+rel+`"`) {
		out = append(out, rel+": the package doc does not show its import line, "+imp)
	}
	return out
}

// buildable reports whether f is an ordinary source file, not one excluded
// with a build constraint such as "ignore".
func buildable(f *ast.File) bool {
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "//go:build") && strings.Contains(c.Text, "ignore") {
				return false
			}
		}
	}
	return true
}

// receiver is the name of a method's receiver type.
func receiver(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}
