package devtenant

import "net/http"

// handleRevoke is POST /oauth/revoke: it revokes the refresh token's whole
// family. Unknown tokens are ignored (RFC 7009); the answer is 200 with an
// empty body.
func (t *Tenant) handleRevoke(w http.ResponseWriter, r *http.Request) {
	p, err := params(r)
	if err != nil {
		writeBodyError(w, err)
		return
	}
	c, terr := t.authenticateClient(r, p, "")
	if terr != nil {
		terr.write(w)
		return
	}
	tok := p.Get("token")
	if tok == "" {
		errInvalidRequest("Missing required parameter: token").write(w)
		return
	}
	t.revokeRefresh(tok, c.ID)
	w.WriteHeader(http.StatusOK)
}
