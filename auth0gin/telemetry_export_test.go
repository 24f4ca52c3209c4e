package auth0gin

// WithoutTelemetry strips a's instruments, as the library was before it had
// any: the baseline of the overhead benchmark (every hook is a nil check).
func WithoutTelemetry(a *Auth0) *Auth0 {
	a.tel = nil
	for _, is := range a.issuers {
		is.keys.tel = nil
	}
	return a
}
