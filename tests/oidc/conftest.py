"""Single sign-on against a real OpenID Provider: the certified oidc-provider from npm
(tests/oidc/provider.mjs), started with Node.js by these fixtures, one process per issuer,
for the whole session. pytest-django's live server is the relying party, so the provider
redirects back to it, and the tests drive the whole flow with an HTTP client that keeps
cookies, as a browser would.

Without Node.js or the npm package (`npm ci --prefix tests/oidc`, which `make test` runs)
the tests are skipped; with KUNSKAPSNAV_REQUIRE_OIDC=1 (CI) that is an error instead.
"""

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from kunskapsnav.lib.processes import child_start

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "provider.mjs"
PACKAGE = HERE / "node_modules" / "oidc-provider" / "package.json"
STARTUP_SECONDS = 20

CLIENT_ID = "kunskapsnav"
CLIENT_SECRET = "kunskapsnav-test-secret"
# A second service registered with the same provider, whose tokens are not meant for us.
OTHER_CLIENT_ID = "annan-tjanst"
OTHER_CLIENT_SECRET = "annan-tjanst-test-secret"

# The people the providers know, by account id. Their counterparts in the registry are
# made by the tests (test_sign_in.py), so that it is plain which match.
ACCOUNTS = {
    # An HSA-id that a registry person has (in other letter case); an e-mail the registry
    # does not know: the HSA-id decides.
    "anna": {"employeeHsaId": "SE2321000032-anna1", "email": "anna.andersson@annanstans.se",
             "email_verified": True, "given_name": "Anna", "family_name": "Andersson"},
    # No HSA-id, a verified e-mail that a registry person has.
    "erik": {"email": "erik.ek@regionorebrolan.se", "email_verified": True, "given_name": "Erik",
             "family_name": "Ek"},
    # The e-mail of a registry person, but not verified by the provider.
    "olle": {"email": "olle.overifierad@regionorebrolan.se", "email_verified": False},
    # Unknown to the registry.
    "okand": {"employeeHsaId": "SE2321000032-okand9", "email": "okand@example.se", "email_verified": True,
              "given_name": "Okänd", "family_name": "Person"},
    # A registry person whose provider claims every right there is: none may count.
    "maja": {"employeeHsaId": "SE2321000032-maja1", "email": "maja@regionorebrolan.se", "email_verified": True,
             "national_admin": True, "analyst": True, "is_staff": True,
             "roles": ["national_admin", "admin", "kunskapsstodsgrupp"], "groups": ["Kunskapsnav-administratörer"]},
}


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    process: subprocess.Popen
    log: Path


def _required() -> bool:
    return os.environ.get("KUNSKAPSNAV_REQUIRE_OIDC", "") == "1"


def _unavailable(reason: str):
    if _required():
        pytest.fail(f"KUNSKAPSNAV_REQUIRE_OIDC=1 but {reason}", pytrace=False)
    pytest.skip(f"single sign-on tests skipped: {reason}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(node: str, *, clients: list[dict], log: Path, **options: str) -> RunningProvider:
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PORT": str(port),
        "OIDC_TEST_ACCOUNTS": json.dumps(ACCOUNTS),
        "OIDC_TEST_CLIENTS": json.dumps(clients),
        **options,
    }
    process = child_start([node, str(SCRIPT)], cwd=HERE, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    return RunningProvider(issuer=f"http://127.0.0.1:{port}", process=process, log=log)


def _wait_for_discovery(provider: RunningProvider):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if provider.process.poll() is not None:
            break
        try:
            if requests.get(provider.issuer + "/.well-known/openid-configuration", timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    _stop(provider)
    pytest.fail(f"the test OpenID provider did not start:\n{provider.log.read_text()}", pytrace=False)


def _stop(provider: RunningProvider):
    if provider.process.poll() is None:
        provider.process.terminate()
        try:
            provider.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            provider.process.kill()
            provider.process.wait()


@dataclass(frozen=True)
class Providers:
    # RP-initiated logout; the claims come from userinfo (the ID token holds only `sub`).
    main: RunningProvider
    # No end-session endpoint and no userinfo: the claims come in the ID token.
    plain: RunningProvider
    # The other service registered with the main provider: (client id, client secret).
    other_client: tuple[str, str] = (OTHER_CLIENT_ID, OTHER_CLIENT_SECRET)


@pytest.fixture(scope="session")
def oidc_providers(live_server, tmp_path_factory):
    node = shutil.which("node")
    if node is None:
        _unavailable("Node.js is not installed (node not on PATH)")
    if not PACKAGE.is_file():
        _unavailable(f"oidc-provider is missing in {HERE / 'node_modules'}; run `npm ci --prefix tests/oidc`")
    logs = tmp_path_factory.mktemp("oidc")

    def client(client_id, secret, name):
        return {"client_id": client_id, "client_secret": secret, "grant_types": ["authorization_code"],
                "response_types": ["code"], "redirect_uris": [f"{live_server.url}/konto/logga-in/{name}/svar/"],
                "post_logout_redirect_uris": [f"{live_server.url}/"]}

    main = _start(node, log=logs / "main.log", clients=[client(CLIENT_ID, CLIENT_SECRET, "test"),
                                                        client(OTHER_CLIENT_ID, OTHER_CLIENT_SECRET, "test")])
    plain = _start(node, log=logs / "plain.log", clients=[client(CLIENT_ID, CLIENT_SECRET, "region")],
                   OIDC_TEST_LOGOUT="off", OIDC_TEST_CLAIMS_IN_ID_TOKEN="on")
    try:
        _wait_for_discovery(main)
        _wait_for_discovery(plain)
        yield Providers(main=main, plain=plain)
    finally:
        _stop(main)
        _stop(plain)


@pytest.fixture
def sso_site(oidc_providers, live_server, settings):
    """The live server as the relying party of both providers: "test" (the main one) and
    "region" (the plain one), configured as an installation would be, from the environment's
    variables."""
    from kunskapsnav.sso.config import providers_from_env

    settings.SITE_URL = live_server.url
    settings.OIDC_PROVIDERS = providers_from_env({
        "KUNSKAPSNAV_OIDC_PROVIDERS": "test,region",
        "KUNSKAPSNAV_OIDC_TEST_ISSUER": oidc_providers.main.issuer,
        "KUNSKAPSNAV_OIDC_TEST_CLIENT_ID": CLIENT_ID,
        "KUNSKAPSNAV_OIDC_TEST_CLIENT_SECRET": CLIENT_SECRET,
        "KUNSKAPSNAV_OIDC_TEST_LABEL": "Testregionens inloggning",
        "KUNSKAPSNAV_OIDC_REGION_ISSUER": oidc_providers.plain.issuer,
        "KUNSKAPSNAV_OIDC_REGION_CLIENT_ID": CLIENT_ID,
        "KUNSKAPSNAV_OIDC_REGION_CLIENT_SECRET": CLIENT_SECRET,
    })
    return live_server.url
