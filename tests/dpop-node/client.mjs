// An independent DPoP client (panva's `dpop`, RFC 9449) against the dev
// tenant and auth0gin's guards. The Go test (dpopnode_test.go) starts both
// and runs this script; it prints one JSON line per algorithm with what it
// saw, and the Go test judges it. Nothing here is auth0gin's code.
//
//	node client.mjs <issuer URL with a trailing slash> <route URL> <M2M client_id> <its secret> <audience> \
//	  <public client_id> <username> <password> <algs…>
import { webcrypto } from 'node:crypto'
import { generateKeyPair, generateProof, calculateThumbprint } from 'dpop'

globalThis.crypto ??= webcrypto // node 18 (Debian 12's) has Web Crypto, but not as a global

const [issuer, route, clientID, clientSecret, audience, publicClient, username, password, ...algs] = process.argv.slice(2)

// token asks /oauth/token for a token with a proof, retrying once with the
// server's nonce when it answers use_dpop_nonce (RFC 9449 §8).
// A null keypair sends no proof.
async function token(keypair, form) {
  const url = issuer + 'oauth/token'
  let nonce
  for (let i = 0; i < 2; i++) {
    const headers = { 'content-type': 'application/x-www-form-urlencoded' }
    if (keypair !== null) headers.dpop = await generateProof(keypair, url, 'POST', nonce)
    const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(form) })
    const body = await res.json()
    if (res.status === 400 && body.error === 'use_dpop_nonce' && nonce === undefined) {
      nonce = res.headers.get('dpop-nonce')
      continue
    }
    return { status: res.status, body, nonce: res.headers.get('dpop-nonce') ?? nonce }
  }
}

// call sends the route a request with `Authorization: <scheme> <token>` and
// the proof (none when proof is null), and says what came back.
async function call(scheme, accessToken, proof) {
  const headers = { authorization: `${scheme} ${accessToken}` }
  if (proof !== null) headers.dpop = proof
  const res = await fetch(route, { headers })
  return { status: res.status, challenge: res.headers.get('www-authenticate') ?? '', nonce: res.headers.get('dpop-nonce') }
}

function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())
}

for (const alg of algs) {
  const out = { alg }
  try {
    const keypair = await generateKeyPair(alg)
    const thumbprint = await calculateThumbprint(keypair.publicKey)
    const t = await token(keypair, {
      grant_type: 'client_credentials', client_id: clientID, client_secret: clientSecret, audience,
    })
    out.tokenStatus = t.status
    out.tokenType = t.body.token_type
    if (t.status !== 200) {
      out.tokenError = t.body
    } else {
      const at = t.body.access_token
      out.jktMatches = claims(at).cnf?.jkt === thumbprint
      // The resource server's nonce, when it wants one: a first call tells it.
      let nonce
      let proof = await generateProof(keypair, route, 'GET', nonce, at)
      let ok = await call('DPoP', at, proof)
      if (ok.status === 401 && ok.challenge.includes('use_dpop_nonce')) {
        nonce = ok.nonce
        proof = await generateProof(keypair, route, 'GET', nonce, at)
        ok = await call('DPoP', at, proof)
      }
      out.call = ok.status
      out.replay = (await call('DPoP', at, proof)).status
      out.asBearer = (await call('Bearer', at, null)).status
      out.noProof = (await call('DPoP', at, null)).status
      const other = await generateKeyPair(alg)
      out.otherKey = (await call('DPoP', at, await generateProof(other, route, 'GET', nonce, at))).status
      out.wrongMethod = (await call('DPoP', at, await generateProof(keypair, route, 'POST', nonce, at))).status
      out.noAth = (await call('DPoP', at, await generateProof(keypair, route, 'GET', nonce))).status
      out.challenge = (await call('DPoP', at, null)).challenge

      // A public client's refresh token is bound to its key.
      const login = await token(keypair, {
        grant_type: 'password', client_id: publicClient, username, password, audience, scope: 'offline_access read:messages',
      })
      const refresh = (kp) => token(kp, { grant_type: 'refresh_token', client_id: publicClient, refresh_token: login.body.refresh_token })
      out.refreshBare = (await refresh(null)).status
      out.refreshKey = (await refresh(other)).status
      const r = await refresh(keypair)
      out.refresh = r.status
      out.refreshType = r.body.token_type
    }
  } catch (err) {
    out.error = String(err)
  }
  console.log(JSON.stringify(out))
}
