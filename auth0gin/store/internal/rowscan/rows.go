// Package rowscan reads query results the same way for the SQL backends:
// database/sql's *sql.Rows and pgx's pgx.Rows both fit Rows.
package rowscan

// Rows is what Strings reads.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// Strings reads a one-column result of byte strings; an empty result is an
// empty slice, never nil. The caller closes rows.
func Strings(rows Rows) ([]string, error) {
	out := []string{}
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		out = append(out, string(b))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
