// Package envfile is the one place that decides how `.env` files reach the
// process environment, so that every FromEnv in the module (the core, login,
// management, session, users) sees the same variables whichever runs first.
//
// The rule: `.env.<AUTH0_ENV>` (when AUTH0_ENV is set, in the real
// environment or in `.env`) and then `.env` (when it exists) are loaded from
// the working directory, and a variable already set is never overridden. So
// the real environment wins over `.env.<AUTH0_ENV>`, which wins over `.env`.
// Loading twice changes nothing, so each FromEnv simply calls Load.
package envfile

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/joho/godotenv"
)

// Selector names the environment (dev, int, prod, ...) whose
// `.env.<name>` file is read before `.env`.
const Selector = "AUTH0_ENV"

// Load loads `.env.<AUTH0_ENV>` and `.env` into the process environment,
// leaving variables already set alone. A missing `.env` is no error; a
// missing `.env.<AUTH0_ENV>`, an AUTH0_ENV that is not a plain name, or a
// file that cannot be parsed is.
func Load() error {
	base, err := godotenv.Read(".env")
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("reading .env: %w", err)
	}
	hasBase := err == nil
	name, ok := os.LookupEnv(Selector)
	if !ok {
		name = base[Selector]
	}
	var files []string
	if name = strings.TrimSpace(name); name != "" {
		if !validName(name) {
			return fmt.Errorf("%s=%q: want a name such as dev, int or prod (letters, digits, '-' and '_')", Selector, name)
		}
		file := ".env." + name
		if _, err := os.Stat(file); err != nil {
			return fmt.Errorf("%s=%s needs the file %s: %w", Selector, name, file, err)
		}
		files = append(files, file)
	}
	if hasBase {
		files = append(files, ".env")
	}
	if len(files) == 0 {
		return nil
	}
	if err := godotenv.Load(files...); err != nil {
		return fmt.Errorf("reading %s: %w", strings.Join(files, ", "), err)
	}
	return nil
}

// validName reports whether name may select a `.env.<name>` file: a plain
// word, so AUTH0_ENV can never point outside the working directory.
func validName(name string) bool {
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case (r == '-' || r == '_') && i > 0:
		default:
			return false
		}
	}
	return name != ""
}
