package auth0test

import (
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// withOrganization asks the tenant to issue req's token for the organization
// id (org_id) named name (org_name). org_id and org_name are claims Auth0
// stamps itself and no Action may set, so the dev tenant mints them: it
// stamps them as given, whether or not it knows the organization.
func withOrganization(req *devtenant.TokenRequest, id, name string) error {
	req.OrgID, req.OrgName = id, name
	return nil
}
