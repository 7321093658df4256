// A real OpenID Provider for the single sign-on tests: the certified oidc-provider, with a
// minimal login step instead of a password form. Started by tests/oidc/conftest.py, one
// process per issuer; everything comes from the environment:
//
//   PORT                        where to listen, on 127.0.0.1 (the issuer is http://127.0.0.1:PORT)
//   OIDC_TEST_ACCOUNTS          JSON: account id -> the claims the provider holds for that person
//   OIDC_TEST_CLIENTS           JSON: the registered clients (client_id, client_secret, redirect_uris, …)
//   OIDC_TEST_LOGOUT            "off": no RP-initiated logout (no end_session_endpoint)
//   OIDC_TEST_CLAIMS_IN_ID_TOKEN "on": the scopes' claims go into the ID token, and there is no
//                               userinfo endpoint; otherwise the ID token has only `sub` and the
//                               claims come from userinfo, as the specification's default says
//
// The login step: GET /interaction/:uid shows a form with a button per test account;
// POST /interaction/:uid/login with user=<account id> signs that account in. A test drives
// it with an HTTP client. There is no consent step: the registered clients are the
// organisation's own services, as Kunskapsnav is for a region, so the grant is implied.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.OIDC_TEST_ACCOUNTS);
const clients = JSON.parse(process.env.OIDC_TEST_CLIENTS);
const withLogout = process.env.OIDC_TEST_LOGOUT !== 'off';
const claimsInIdToken = process.env.OIDC_TEST_CLAIMS_IN_ID_TOKEN === 'on';

// A signing key made for this run only.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const configuration = {
  clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  // Every claim a test account has is offered; roles and groups come with the openid scope,
  // as some providers send them unasked: Kunskapsnav must ignore them.
  claims: {
    openid: ['sub', 'national_admin', 'analyst', 'is_staff', 'roles', 'groups'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'employeeHsaId'],
  },
  conformIdTokenClaims: !claimsInIdToken,
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: withLogout },
    userinfo: { enabled: !claimsInIdToken },
  },
  // Every client must use PKCE: a request without it is refused by the provider itself.
  pkce: { required: () => true },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    if (!(sub in accounts)) return undefined;
    return { accountId: sub, claims: async () => ({ ...accounts[sub], sub }) };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    if (!ctx.oidc.session.accountId) return undefined;
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope);
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);

async function formBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.prompt.name !== 'login') {
    ctx.status = 400;
    ctx.body = `unexpected prompt ${details.prompt.name}`;
    return undefined;
  }
  if (ctx.method === 'GET' && !match[2]) {
    const buttons = Object.keys(accounts)
      .map((id) => `<button type="submit" name="user" value="${escape(id)}">${escape(id)}</button>`)
      .join('\n');
    ctx.type = 'html';
    ctx.body = `<!doctype html><html lang="en"><title>Test provider: sign in</title>
<form method="post" action="/interaction/${escape(details.uid)}/login">${buttons}</form></html>`;
    return undefined;
  }
  if (ctx.method === 'POST' && match[2]) {
    const user = (await formBody(ctx.req)).get('user');
    if (!(user in accounts)) {
      ctx.status = 400;
      ctx.body = `no test account ${user}`;
      return undefined;
    }
    const returnTo = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: user } },
      { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(returnTo);
    return undefined;
  }
  ctx.status = 405;
  return undefined;
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc test provider listening at ${issuer}`);
});
