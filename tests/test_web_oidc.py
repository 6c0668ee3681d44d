"""Sign-in with the council's identity provider (OpenID Connect), against a real local provider.

The provider is ``oidc-provider-mock`` (Authlib's server under Flask) run in
a thread on loopback: qaf fetches its discovery document and keys, sends the
browser to its authorization endpoint, and exchanges the code at its token
endpoint, all over real HTTP. The "browser" is Starlette's test client for
qaf and httpx for the provider, whose form is posted with the email to sign
in as. The small council of the web tests (Pat Practice, PM1).
"""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime, timedelta, timezone
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from oidc_provider_mock import run_server_in_thread
from starlette.testclient import TestClient

from qaf.store.sql import SqlStore
from qaf.web import oidc
from qaf.web.api import create_app
from qaf.web.site import COOKIE
from tests.conftest import snapshot
from tests.smtp import free_port
from tests.test_feeds import BASE, TODAY, year

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`", "ignore::DeprecationWarning")
PAT = "pat.practice@example-council.gov.uk"
TOKEN_LIFE = timedelta(seconds=60)  # the provider's ID tokens: short, so a clock moved on 5 minutes sees one expired


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with run_server_in_thread(access_token_max_age=TOKEN_LIFE) as server:
        yield f"http://localhost:{server.server_port}"


class Flow:
    """qaf with OIDC set up against ``issuer``; ``shift`` moves qaf's wall clock."""

    def __init__(self, store: SqlStore, url: str, issuer: str, transport: httpx.BaseTransport | None = None) -> None:
        self.store, self.shift, self.issuer = store, timedelta(0), issuer
        self.settings = oidc.OidcSettings(issuer, "qaf-council", "s3cret-of-the-council", "Sign in with Example ID")
        self.app = create_app(url, lambda: TODAY, base_url=BASE, now=lambda: datetime.now(timezone.utc) + self.shift,
                              oidc_settings=self.settings, oidc_transport=transport)  # fmt: skip
        self.browser = TestClient(self.app, base_url=BASE, follow_redirects=False)

    def start(self, next: str | None = None) -> str:
        """Ask qaf to sign in with the provider: the provider's authorization URL it sends the browser to."""
        answer = self.browser.get("/oidc/sign-in" + (f"?next={next}" if next else ""))
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"].startswith(f"{self.issuer}/oauth2/authorize?")
        return answer.headers["location"]

    def at_provider(self, authorize: str, email: str) -> str:
        """Sign in at the provider as ``email``: the callback path (and query) it sends the browser back to."""
        answer = httpx.post(authorize, data={"sub": email}, follow_redirects=False)
        assert answer.status_code in (302, 303), answer.text
        back = answer.headers["location"]
        assert back.startswith(f"{BASE}/oidc/callback?"), back
        return back[len(BASE):]

    def sign_in(self, email: str, next: str | None = None):
        return self.browser.get(self.at_provider(self.start(next), email))

    def close(self) -> None:
        self.browser.close()
        self.app.state.store.close()


@pytest.fixture
def flow(store: SqlStore, db_url: str, provider: str) -> Iterator[Flow]:
    year(store)
    f = Flow(store, db_url, provider)
    yield f
    f.close()


def signed_in_as(client: TestClient) -> str | None:
    page = client.get("/my-work")
    if page.status_code != 200:
        return None
    return re.search(r'<span class="who">([^<]+)</span>', page.text).group(1)


def test_the_sign_in_page_offers_the_provider_only_when_configured(flow: Flow, db_url: str) -> None:
    page = flow.browser.get("/sign-in")
    assert 'href="/oidc/sign-in"' in page.text and "Sign in with Example ID" in page.text
    plain = create_app(db_url, lambda: TODAY, base_url=BASE)
    try:
        bare = TestClient(plain, base_url=BASE)
        assert "/oidc/sign-in" not in bare.get("/sign-in").text
        assert bare.get("/oidc/sign-in", follow_redirects=False).status_code == 404
    finally:
        plain.state.store.close()


def test_happy_path_starts_a_session_and_keeps_where_she_was_going(flow: Flow) -> None:
    authorize = flow.start(next="/my-work?month=june")
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    assert query["redirect_uri"] == [f"{BASE}/oidc/callback"] and query["client_id"] == ["qaf-council"]
    flow_cookie = flow.browser.cookies.get(oidc.FLOW_COOKIE)
    assert flow_cookie and query["state"][0] not in flow_cookie  # signed and encoded, not the state in the clear
    answer = flow.browser.get(flow.at_provider(authorize, "Pat.Practice@EXAMPLE-council.gov.uk"))  # case aside
    assert answer.status_code == 303 and answer.headers["location"] == "/my-work?month=june"
    cookie = answer.headers.get_list("set-cookie")
    assert any(c.startswith(f"{COOKIE}=") and "HttpOnly" in c and "Secure" in c and "samesite=lax" in c.lower() for c in cookie)
    assert signed_in_as(flow.browser) == "Pat Practice"
    # the flow is spent: its cookie is gone, and the same callback again is refused
    assert flow.browser.cookies.get(oidc.FLOW_COOKIE) is None


def test_someone_not_in_the_organisation_is_refused_politely_with_no_session(flow: Flow) -> None:
    before = snapshot(flow.store)
    answer = flow.sign_in("stranger@example.com")
    assert answer.status_code == 403
    assert "not one of this organisation" in answer.text and "stranger" not in answer.text
    assert COOKIE not in answer.cookies and signed_in_as(flow.browser) is None
    assert snapshot(flow.store) == before


def test_a_callback_with_another_state_or_no_flow_is_refused(flow: Flow) -> None:
    back = flow.at_provider(flow.start(), PAT)
    forged = re.sub(r"state=[^&]+", "state=someone-elses-state", back)
    answer = flow.browser.get(forged)
    assert answer.status_code == 400 and "cannot be finished" in answer.text
    assert signed_in_as(flow.browser) is None
    # the flow's cookie went with the refusal: the genuine callback cannot be replayed after it
    assert flow.browser.get(back).status_code == 400
    # nor does a callback in a browser that never started a flow (login CSRF) sign anyone in
    genuine = flow.at_provider(flow.start(), PAT)
    stranger = TestClient(flow.app, base_url=BASE, follow_redirects=False)
    assert stranger.get(genuine).status_code == 400
    assert signed_in_as(stranger) is None
    assert flow.browser.get(genuine).status_code == 303  # in the browser that started it, it works


def test_a_callback_giving_code_or_state_twice_is_refused_naming_it_never_one_taken(flow: Flow) -> None:
    """'/oidc/callback?state=S&code=THEIRS&code=MINE': the last code was exchanged, the other dropped without a
    word (and 'state' twice, the last compared). Now 400 naming the parameter, no session, and the flow is spent."""
    for extra, name in (("&code=someone-elses-code", "code"), ("&state={state}", "state"), ("&error=access_denied&error=x", "error")):
        back = flow.at_provider(flow.start(), PAT)
        state = parse_qs(urlsplit(back).query)["state"][0]
        answer = flow.browser.get(back + extra.format(state=state))
        assert answer.status_code == 400 and f"gives &#39;{name}&#39; more than once" in answer.text, (name, answer.text[-600:])
        assert signed_in_as(flow.browser) is None and flow.browser.cookies.get(oidc.FLOW_COOKIE) is None
        assert flow.browser.get(back).status_code == 400  # the genuine callback cannot be replayed after it


def test_starting_a_sign_in_giving_next_twice_is_refused_never_the_last_taken(flow: Flow) -> None:
    """'/oidc/sign-in?next=/my-work&next=/director' began a flow to the last page; 400 now, and no flow begun."""
    answer = flow.browser.get("/oidc/sign-in?next=/my-work&next=/director")
    assert answer.status_code == 400 and "more than once" in answer.text
    assert flow.browser.cookies.get(oidc.FLOW_COOKIE) is None and "location" not in answer.headers
    assert flow.start(next="/director").startswith(flow.issuer)  # once is taken


def test_a_tampered_flow_cookie_is_refused(flow: Flow) -> None:
    back = flow.at_provider(flow.start(), PAT)
    sealed = flow.browser.cookies.get(oidc.FLOW_COOKIE)
    body, mac = sealed.split(".")
    data = json.loads(base64.urlsafe_b64decode(body + "=="))
    data["x"] = "/elsewhere"
    fake = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    flow.browser.cookies.set(oidc.FLOW_COOKIE, f"{fake}.{mac}", domain=urlsplit(BASE).hostname, path="/oidc")
    assert flow.browser.get(back).status_code == 400
    assert signed_in_as(flow.browser) is None


def test_a_token_for_another_nonce_is_refused(flow: Flow) -> None:
    authorize = flow.start()
    other = re.sub(r"nonce=[^&]+", "nonce=" + "n" * 32, authorize)  # the provider signs a token for another nonce
    assert other != authorize
    answer = flow.browser.get(flow.at_provider(other, PAT))
    assert answer.status_code == 400 and "could not be trusted" in answer.text
    assert signed_in_as(flow.browser) is None


def test_an_expired_token_is_refused(flow: Flow) -> None:
    back = flow.at_provider(flow.start(), PAT)
    flow.shift = TOKEN_LIFE + timedelta(minutes=4)  # the flow's cookie still holds (10 minutes); the ID token does not
    answer = flow.browser.get(back)
    assert answer.status_code == 400 and "could not be trusted" in answer.text
    assert signed_in_as(flow.browser) is None


def test_a_flow_left_too_long_is_refused(flow: Flow) -> None:
    back = flow.at_provider(flow.start(), PAT)
    flow.shift = timedelta(seconds=oidc.FLOW_LIFE + 5)
    assert flow.browser.get(back).status_code == 400


class Forger(httpx.HTTPTransport):
    """The network between qaf and the provider, where someone re-signs the ID token with their own key."""

    key = RSAKey.generate_key(2048)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = super().handle_request(request)
        if not request.url.path.endswith("/oauth2/token"):
            return answer
        answer.read()
        token = answer.json()
        real = jwt.decode(token["id_token"], KeySet.import_key_set(httpx.get(f"{request.url.scheme}://{request.url.netloc.decode()}/jwks").json()))
        claims = {**real.claims, "email": PAT}
        kid = {"kid": real.header["kid"]} if "kid" in real.header else {}  # the same key id, if the provider names one
        token["id_token"] = jwt.encode({"alg": "RS256", **kid}, claims, self.key)
        return httpx.Response(200, json=token)


def test_a_forged_token_is_refused(store: SqlStore, db_url: str, provider: str) -> None:
    year(store)
    f = Flow(store, db_url, provider, transport=Forger())
    try:
        answer = f.sign_in("stranger@example.com")  # the forger turns a stranger into Pat
        assert answer.status_code == 400 and "could not be trusted" in answer.text
        assert signed_in_as(f.browser) is None
    finally:
        f.close()


def test_a_provider_that_does_not_answer_gets_a_clear_page(store: SqlStore, db_url: str) -> None:
    year(store)
    f = Flow(store, db_url, f"http://127.0.0.1:{free_port()}")  # nothing listens there
    try:
        answer = f.browser.get("/oidc/sign-in")
        assert answer.status_code == 502
        assert "could not reach the sign-in service" in answer.text and "Sign in with Example ID" in answer.text
        assert oidc.FLOW_COOKIE not in answer.cookies
    finally:
        f.close()


# --- the ID token's checks, one by one ----------------------------------------------------

KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
NOW = 1_780_000_000


def token(key=KEY, **changes) -> str:
    claims = {"iss": "https://id.example", "aud": "qaf", "sub": "u1", "iat": NOW, "exp": NOW + 300, "nonce": "n1", "email": PAT}
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


def verify(text: str) -> dict:
    return oidc.verify_id_token(text, lambda kid: KeySet([KEY]), "https://id.example", "qaf", "n1", NOW + 10)


def test_verify_accepts_the_providers_token() -> None:
    assert verify(token())["email"] == PAT


@pytest.mark.parametrize("bad", [
    {"iss": "https://evil.example"}, {"aud": "another-app"}, {"exp": NOW - 120}, {"nonce": "n2"}, {"nonce": None},
    {"iat": NOW + 3600}, {"exp": None}, {"sub": None}, {"aud": ["qaf", "another-app"]},
])  # fmt: skip
def test_verify_refuses_a_token_not_for_us_now(bad: dict) -> None:
    with pytest.raises(oidc.TokenRefused):
        verify(token(**bad))


def test_verify_refuses_another_key_and_no_signature() -> None:
    with pytest.raises(oidc.TokenRefused):
        verify(token(key=RSAKey.generate_key(2048, parameters={"kid": "k1"})))
    header, payload, _ = token().split(".")
    none = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    for text in (f"{none}.{payload}.", f"{header}.{payload}.", "not a token", ""):
        with pytest.raises(oidc.TokenRefused):
            verify(text)


def test_the_flow_cookie_is_sealed() -> None:
    key = b"k" * 32
    sealed = oidc.seal(key, {"s": "a", "t": 100.0})
    assert oidc.unseal(key, sealed, 150.0) == {"s": "a", "t": 100.0}
    assert oidc.unseal(b"j" * 32, sealed, 150.0) is None
    assert oidc.unseal(key, sealed, 100.0 + oidc.FLOW_LIFE + 1) is None
    assert oidc.unseal(key, sealed + "x", 150.0) is None
    assert oidc.unseal(key, "", 150.0) is None


def test_settings_come_from_the_environment() -> None:
    assert oidc.read_settings({}) is None
    s = oidc.read_settings({"QAF_OIDC_ISSUER": "https://id.example/", "QAF_OIDC_CLIENT_ID": "qaf", "QAF_OIDC_CLIENT_SECRET": "x",
                            "QAF_OIDC_NAME": "Sign in with Microsoft"})  # fmt: skip
    assert s == oidc.OidcSettings("https://id.example", "qaf", "x", "Sign in with Microsoft")


def test_some_oidc_settings_without_the_others_stop_qaf_serve_naming_what_is_missing(monkeypatch, capsys, tmp_path) -> None:
    """An issuer and client id set without the client secret (or only the button's words) left sign-in with
    the council's identity provider off without a word: 'qaf serve' started and the button never showed. Now
    it stops, exit 1, naming what is set and what is missing, as other settings errors do; so does an issuer
    that is not an address."""
    import qaf.service
    from qaf.cli.main import main
    from qaf.rules.problems import QafError

    started: list[bool] = []

    def serve_app(app, scheduler, leadership, store, host, port) -> None:  # never serves in a test
        started.append(True)
        leadership.release()
        store.close()

    monkeypatch.setattr(qaf.service, "serve_app", serve_app)
    for key in ("QAF_OIDC_ISSUER", "QAF_OIDC_CLIENT_ID", "QAF_OIDC_CLIENT_SECRET", "QAF_OIDC_NAME"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("QAF_OIDC_ISSUER", "https://id.example/")
    monkeypatch.setenv("QAF_OIDC_CLIENT_ID", "qaf")
    code = main(["--db", f"sqlite:///{tmp_path / 'qaf.db'}", "serve", "--port", "1"])
    err = capsys.readouterr().err
    assert (code, started) == (1, []), err
    assert err.strip().splitlines()[-1] == ("qaf: QAF_OIDC_ISSUER and QAF_OIDC_CLIENT_ID are set but QAF_OIDC_CLIENT_SECRET is not: "
                                            "set it for sign-in with the council's identity provider, or unset every QAF_OIDC_ setting")
    with pytest.raises(QafError, match="QAF_OIDC_NAME is set but QAF_OIDC_ISSUER, QAF_OIDC_CLIENT_ID and QAF_OIDC_CLIENT_SECRET are not"):
        oidc.read_settings({"QAF_OIDC_NAME": "Sign in with Microsoft"})
    with pytest.raises(QafError, match="QAF_OIDC_ISSUER='id.example': the issuer's address is needed"):
        oidc.read_settings({"QAF_OIDC_ISSUER": "id.example", "QAF_OIDC_CLIENT_ID": "qaf", "QAF_OIDC_CLIENT_SECRET": "x"})


def test_an_email_the_provider_says_is_unverified_in_any_spelling_signs_nobody_in() -> None:
    """'email_verified': "false" (a string, as some providers write it) or 0 was taken as verified: only JSON's
    false was refused, and an unverified address could sign in as the staff member it names."""
    email = "pat.practice@example-council.gov.uk"
    for unverified in (False, "false", "False", 0, "0", "no", None, ""):
        assert oidc.email_of({"email": email, "email_verified": unverified}) is None, unverified
    for verified in ({"email_verified": True}, {"email_verified": "true"}, {"email_verified": "TRUE"}, {}):
        assert oidc.email_of({"email": email, **verified}) == email, verified
