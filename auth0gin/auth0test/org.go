package auth0test

import (
	"errors"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// withOrganization asks the tenant to issue req's token for the organization
// id (org_id) named name (org_name). org_id and org_name are claims Auth0
// stamps itself and no Action may set, so the dev tenant must mint them.
//
// TODO(w26-tenant): set the TokenRequest's organization fields once the dev
// tenant has organizations (branch w26-tenant); until then minting an
// organization token fails the test with this error.
func withOrganization(req *devtenant.TokenRequest, id, name string) error {
	_, _, _ = req, id, name
	return errors.New("the dev tenant cannot mint organization tokens yet (org_id and org_name come with its organizations, branch w26-tenant)")
}
