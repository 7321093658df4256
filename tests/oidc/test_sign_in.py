"""Signing in through an identity provider, end to end: Kunskapsnav's live server, a real
OpenID provider (conftest.py), and an HTTP client that follows the redirects between them.

Who is who (conftest.ACCOUNTS): anna is found by HSA-id, erik by verified e-mail, olle's
e-mail is not verified, okand is unknown to the registry, and maja's provider claims every
role there is.
"""

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from joserfc.errors import InvalidClaimError

from kunskapsnav.organisation import people
from kunskapsnav.organisation.models import Person

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT = 10
User = get_user_model()


@pytest.fixture
def registry(sso_site):
    """The registry's people; none has an account yet."""
    admin = User.objects.create_user("admin", national_admin=True)

    def person(given, family, **values):
        return people.person_create(by=admin, given_name=given, family_name=family, **values)

    return {
        "admin": admin,
        "anna": person("Anna", "Andersson", hsa_id="SE2321000032-ANNA1", email="anna@regionorebrolan.se"),
        "erik": person("Erik", "Ek", email="Erik.Ek@regionorebrolan.se"),
        "olle": person("Olle", "Overifierad", email="olle.overifierad@regionorebrolan.se"),
        "maja": person("Maja", "Myndig", hsa_id="SE2321000032-maja1"),
    }


def start(site, provider="test", *, http=None, next_path="/remiss/"):
    """Kunskapsnav's sign-in button, followed to the provider's login step."""
    http = http or requests.Session()
    page = http.get(f"{site}/konto/logga-in/{provider}/", params={"next": next_path}, timeout=TIMEOUT)
    assert "/interaction/" in page.url, page.text[:500]
    return http, page


def sign_in(site, account, provider="test", *, http=None, next_path="/remiss/"):
    """The whole round: to the provider, log in as `account`, back to Kunskapsnav."""
    http, page = start(site, provider, http=http, next_path=next_path)
    return http, http.post(page.url + "/login", data={"user": account}, timeout=TIMEOUT)


def signed_in_name(site, http) -> str | None:
    header = re.search(r'<div class="account">\s*<span>([^<]*)</span>', http.get(site + "/", timeout=TIMEOUT).text)
    return header[1] if header else None


def test_a_person_signs_in_by_hsa_id_and_gets_an_account_without_rights(sso_site, registry):
    http, response = sign_in(sso_site, "anna")
    assert response.status_code == 200
    assert response.url == sso_site + "/remiss/"
    assert signed_in_name(sso_site, http) == "Anna Andersson"
    anna = Person.objects.select_related("user").get(pk=registry["anna"].pk)
    user = anna.user
    assert user is not None and user.username == "se2321000032-anna1"
    assert not (user.national_admin or user.analyst or user.is_staff or user.is_superuser)
    assert not user.has_usable_password()
    # The registry's e-mail, not the provider's other address.
    assert user.email == "anna@regionorebrolan.se"

    # The next sign-in, from another browser, is the same account.
    sign_in(sso_site, "anna")
    assert User.objects.filter(person__pk=anna.pk).count() == 1
    assert User.objects.count() == 2  # admin and anna


def test_a_person_signs_in_by_verified_email(sso_site, registry):
    http, response = sign_in(sso_site, "erik")
    assert response.url == sso_site + "/remiss/"
    assert signed_in_name(sso_site, http) == "Erik Ek"
    assert Person.objects.get(pk=registry["erik"].pk).user.username == "erik.ek@regionorebrolan.se"


def test_claims_in_the_id_token_alone_are_enough(sso_site, registry):
    # The "region" provider has no userinfo endpoint: its ID tokens carry the claims.
    http, response = sign_in(sso_site, "anna", provider="region")
    assert response.url == sso_site + "/remiss/"
    assert signed_in_name(sso_site, http) == "Anna Andersson"


def test_an_unverified_email_identifies_nobody(sso_site, registry):
    http, response = sign_in(sso_site, "olle")
    assert response.status_code == 403
    assert "Du finns inte i Kunskapsnavs register" in response.text
    assert Person.objects.get(pk=registry["olle"].pk).user is None
    assert signed_in_name(sso_site, http) is None


def test_a_person_unknown_to_the_registry_gets_a_swedish_page_and_no_account(sso_site, registry):
    users_before = User.objects.count()
    http, response = sign_in(sso_site, "okand")
    assert response.status_code == 403
    assert "Du finns inte i Kunskapsnavs register" in response.text
    assert "kunskapsstödsgruppen i din region" in response.text
    assert User.objects.count() == users_before
    assert signed_in_name(sso_site, http) is None


def test_roles_and_groups_claimed_by_the_provider_give_no_right(sso_site, registry):
    http, response = sign_in(sso_site, "maja")
    assert response.url == sso_site + "/remiss/"
    user = Person.objects.get(pk=registry["maja"].pk).user
    assert not (user.national_admin or user.analyst or user.is_staff or user.is_superuser)
    assert not user.groups.exists() and not user.user_permissions.exists()
    # Not in the administration either.
    admin = http.get(sso_site + "/admin/", timeout=TIMEOUT)
    assert "/admin/login/" in admin.url


def test_the_flow_uses_pkce_state_and_nonce(sso_site, registry):
    http = requests.Session()
    response = http.get(f"{sso_site}/konto/logga-in/test/", allow_redirects=False, timeout=TIMEOUT)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == [f"{sso_site}/konto/logga-in/test/svar/"]
    assert set(query["scope"][0].split()) == {"openid", "profile", "email"}


def _callback_url(site, account):
    """Run the flow up to the provider's redirect back, without following it."""
    http, page = start(site)
    response = http.post(page.url + "/login", data={"user": account}, allow_redirects=False, timeout=TIMEOUT)
    while not response.headers["Location"].startswith(site):
        response = http.get(response.headers["Location"], allow_redirects=False, timeout=TIMEOUT)
    return http, response.headers["Location"]


def test_an_answer_is_used_once_and_only_in_the_session_that_asked(sso_site, registry):
    http, callback = _callback_url(sso_site, "anna")
    # Someone else's browser (a forged link): no sign-in was started there.
    stranger = requests.Session()
    response = stranger.get(callback, timeout=TIMEOUT)
    assert response.status_code == 400
    assert "Inloggningen kunde inte slutföras" in response.text
    assert signed_in_name(sso_site, stranger) is None
    # The right browser: signed in; the same answer again: refused.
    assert http.get(callback, timeout=TIMEOUT).url == sso_site + "/remiss/"
    assert http.get(callback, timeout=TIMEOUT).status_code == 400


def test_a_code_issued_to_another_service_is_refused(sso_site, oidc_providers, registry):
    # A sign-in started at Kunskapsnav, but answered with a code for another service
    # registered with the same provider: its tokens are not ours to use.
    http = requests.Session()
    response = http.get(f"{sso_site}/konto/logga-in/test/", allow_redirects=False, timeout=TIMEOUT)
    url = urlsplit(response.headers["Location"])
    other_client_id, _secret = oidc_providers.other_client
    query = {k: v[0] for k, v in parse_qs(url.query).items()} | {"client_id": other_client_id}
    page = http.get(urlunsplit(url._replace(query=urlencode(query))), timeout=TIMEOUT)
    response = http.post(page.url + "/login", data={"user": "anna"}, timeout=TIMEOUT)
    assert response.url.startswith(f"{sso_site}/konto/logga-in/test/svar/")
    assert response.status_code == 400
    assert "Inloggningen kunde inte slutföras" in response.text
    assert signed_in_name(sso_site, http) is None
    assert Person.objects.get(pk=registry["anna"].pk).user is None


def test_an_id_token_for_another_audience_is_refused(sso_site, oidc_providers, registry):
    """A real ID token from the provider, issued to the other service: Kunskapsnav's rules
    for an ID token (the same the callback applies) refuse it for its audience."""
    from django.conf import settings

    from kunskapsnav.sso import providers

    issuer = oidc_providers.main.issuer
    other_client_id, other_secret = oidc_providers.other_client
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    nonce = secrets.token_urlsafe(16)
    redirect_uri = f"{sso_site}/konto/logga-in/test/svar/"
    http = requests.Session()
    page = http.get(issuer + "/auth", params={
        "client_id": other_client_id, "response_type": "code", "scope": "openid", "redirect_uri": redirect_uri,
        "state": "x", "nonce": nonce, "code_challenge": challenge, "code_challenge_method": "S256"}, timeout=TIMEOUT)
    response = http.post(page.url + "/login", data={"user": "anna"}, allow_redirects=False, timeout=TIMEOUT)
    while not response.headers["Location"].startswith(redirect_uri):
        response = http.get(response.headers["Location"], allow_redirects=False, timeout=TIMEOUT)
    code = parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]
    tokens = requests.post(issuer + "/token", auth=(other_client_id, other_secret), timeout=TIMEOUT, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier,
    }).json()

    ours = settings.OIDC_PROVIDERS["test"]
    with pytest.raises(InvalidClaimError) as refused:
        providers.client(ours).parse_id_token(tokens, nonce=nonce, claims_options=providers.id_token_rules(ours))
    assert refused.value.claim == "aud"


def test_logout_ends_the_session_and_the_providers(sso_site, oidc_providers, registry):
    http, _response = sign_in(sso_site, "anna")
    session_key = http.cookies["sessionid"]
    response = http.post(sso_site + "/konto/logga-ut/", data={"csrfmiddlewaretoken": http.cookies["csrftoken"]},
                         allow_redirects=False, timeout=TIMEOUT)
    assert response.status_code == 302
    end_session = urlsplit(response.headers["Location"])
    query = parse_qs(end_session.query)
    assert response.headers["Location"].startswith(oidc_providers.main.issuer + "/session/end?")
    assert query["post_logout_redirect_uri"] == [sso_site + "/"]
    assert query["id_token_hint"][0].count(".") == 2
    # Kunskapsnav's session is gone at once.
    assert not Session.objects.filter(session_key=session_key).exists()
    assert signed_in_name(sso_site, http) is None

    # The provider accepts the hint and the address, asks, and sends the person back.
    confirm = http.get(response.headers["Location"], timeout=TIMEOUT)
    assert confirm.status_code == 200
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', confirm.text)[1]
    back = http.post(f"{end_session.scheme}://{end_session.netloc}/session/end/confirm",
                     data={"xsrf": xsrf, "logout": "yes"}, timeout=TIMEOUT)
    assert back.url.startswith(sso_site + "/")
    # Signed out at the provider as well: the next sign-in asks who it is again.
    _http, page = start(sso_site, http=http)
    assert "/interaction/" in page.url


def test_logout_is_local_where_the_provider_offers_no_end_session(sso_site, registry):
    http, _response = sign_in(sso_site, "anna", provider="region")
    response = http.post(sso_site + "/konto/logga-ut/", data={"csrfmiddlewaretoken": http.cookies["csrftoken"]},
                         allow_redirects=False, timeout=TIMEOUT)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in_name(sso_site, http) is None


def test_the_login_page_offers_each_provider_and_the_local_form(sso_site, registry):
    page = requests.get(sso_site + "/konto/logga-in/?next=/remiss/", timeout=TIMEOUT).text
    assert 'href="/konto/logga-in/test/?next=/remiss/"' in page
    assert "Logga in med Testregionens inloggning" in page
    assert "Logga in med Region" in page
    assert 'name="password"' in page
