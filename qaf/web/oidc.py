"""Sign in with the council's identity provider: OpenID Connect (Microsoft Entra ID, or any other).

Configured by the environment (nothing configured, nothing shown; some but not all of the three needed, or
an issuer that is not an http(s) address, stops ``qaf serve`` naming them):
``QAF_OIDC_ISSUER`` (e.g. ``https://login.microsoftonline.com/TENANT/v2.0``),
``QAF_OIDC_CLIENT_ID``, ``QAF_OIDC_CLIENT_SECRET`` and ``QAF_OIDC_NAME``
(the button's words, default "Sign in with your organisation's account").
The provider must allow the redirect URI ``QAF_BASE_URL/oidc/callback``.

- ``GET /oidc/sign-in``: the authorization code flow, with a fresh ``state``,
  ``nonce`` and PKCE verifier (S256) kept in a short-lived cookie
  (:data:`FLOW_LIFE`, HttpOnly, ``SameSite=Lax``, path ``/oidc``) signed with a
  key derived from the client secret, so any instance can finish a flow
  another began and nobody can forge one.
- ``GET /oidc/callback``: ``state``, ``code`` or ``error`` given twice is a 400
  naming it (never one taken); the state must match the cookie's (else 400, and
  the flow's cookie is dropped, as it is for any refusal); the code is exchanged (Authlib's client,
  with the verifier); the ID token's signature is checked against the
  provider's JWKS (fetched from its discovery document, fetched again once
  for an unknown key id: keys rotate), then ``iss``, ``aud``, ``exp``,
  ``iat`` and ``nonce`` (:func:`verify_id_token`). Its ``email`` claim is
  matched, case aside, to a person in the organisation who has not left
  (:func:`qaf.usecases.signin.person_by_email`); someone else gets a polite
  refusal (403) and no session. On success the same session an emailed link
  starts (:func:`qaf.usecases.signin.start_session`).
- A provider that cannot be reached or answers nonsense: a 502 page saying
  so, nothing written. Neither the token nor the email is logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Mapping

import httpx
from authlib.deprecate import AuthlibDeprecationWarning

with warnings.catch_warnings():  # Authlib 1.9 would have httpx2; qaf talks to the provider with httpx, whose
    # transport the tests replace: without this, `qaf serve` printed Authlib's warning at every start
    warnings.filterwarnings("ignore", "The httpx module is deprecated", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client
from authlib.oauth2 import OAuth2Error
from fastapi import FastAPI, Request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from qaf.rules.problems import QafError
from qaf.usecases import signin
from qaf.web.filters import given_twice
from qaf.web.forms import local_path, secure
from qaf.web.site import COOKIE, Site

FLOW_COOKIE = "qaf_oidc"
FLOW_LIFE = 600  # seconds to come back from the provider
LEEWAY = 60  # seconds of clock difference allowed on exp and iat
TIMEOUT = 10.0  # seconds for each request to the provider
DISCOVERY_LIFE = 3600  # seconds the discovery document and keys are kept
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")
DEFAULT_NAME = "Sign in with your organisation's account"


class ProviderError(Exception):
    """The identity provider could not be reached, or answered something unusable."""


class TokenRefused(Exception):
    """An ID token that does not prove who signed in: bad signature, wrong issuer or audience, expired, wrong nonce."""


@dataclass(frozen=True, slots=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str
    name: str = DEFAULT_NAME

    @property
    def key(self) -> bytes:
        """The key the flow's cookie is signed with (derived from the secret: the same on every instance)."""
        return hmac.new(self.client_secret.encode(), b"qaf oidc flow cookie", hashlib.sha256).digest()


def _listed(keys: list[str]) -> str:
    return keys[0] if len(keys) == 1 else f"{', '.join(keys[:-1])} and {keys[-1]}"


NEEDED = ("QAF_OIDC_ISSUER", "QAF_OIDC_CLIENT_ID", "QAF_OIDC_CLIENT_SECRET")


def read_settings(env: Mapping[str, str] = os.environ) -> OidcSettings | None:
    """The settings from ``QAF_OIDC_*``, or None when none is set; a :class:`QafError` naming what is missing when
    some are (an issuer and client id without the secret left sign-in with the provider off without a word)."""
    issuer, client, secret = (env.get(key, "").strip() for key in NEEDED)
    given = [key for key in (*NEEDED, "QAF_OIDC_NAME") if env.get(key, "").strip()]
    if not given:
        return None
    missing = [key for key, value in zip(NEEDED, (issuer, client, secret)) if not value]
    if missing:
        raise QafError(f"{_listed(given)} {'is' if len(given) == 1 else 'are'} set but {_listed(missing)} "
                       f"{'is' if len(missing) == 1 else 'are'} not: set {'it' if len(missing) == 1 else 'them'} for sign-in "
                       "with the council's identity provider, or unset every QAF_OIDC_ setting")  # fmt: skip
    if not issuer.startswith(("https://", "http://")):
        raise QafError(f"QAF_OIDC_ISSUER={issuer!r}: the issuer's address is needed, "
                       "e.g. https://login.microsoftonline.com/TENANT-ID/v2.0")  # fmt: skip
    return OidcSettings(issuer.rstrip("/"), client, secret, env.get("QAF_OIDC_NAME", "").strip() or DEFAULT_NAME)


# --- the flow's cookie ---------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def seal(key: bytes, flow: dict[str, Any]) -> str:
    body = _b64(json.dumps(flow, separators=(",", ":")).encode())
    return body + "." + _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())


def unseal(key: bytes, value: str | None, now: float) -> dict[str, Any] | None:
    """The flow in a cookie, if signed with ``key`` and younger than :data:`FLOW_LIFE`; else None."""
    if not value or len(value) > 2000 or value.count(".") != 1:
        return None
    body, mac = value.split(".")
    if not hmac.compare_digest(mac, _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())):
        return None
    try:
        flow = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:
        return None
    if not isinstance(flow, dict) or not isinstance(flow.get("t"), (int, float)) or not 0 <= now - flow["t"] <= FLOW_LIFE:
        return None
    return flow


# --- the provider -------------------------------------------------------------------------


class Provider:
    """The provider's discovery document and keys, fetched when first needed and kept :data:`DISCOVERY_LIFE`."""

    def __init__(self, settings: OidcSettings, transport: httpx.BaseTransport | None = None) -> None:
        self.settings, self.transport = settings, transport
        self._lock = threading.Lock()
        self._meta: tuple[dict[str, Any], float] | None = None
        self._keys: KeySet | None = None

    def _get(self, url: str) -> dict[str, Any]:
        try:
            with httpx.Client(timeout=TIMEOUT, transport=self.transport) as client:
                answer = client.get(url, headers={"Accept": "application/json"})
            answer.raise_for_status()
            data = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderError(f"{url}: {type(exc).__name__}") from None
        if not isinstance(data, dict):
            raise ProviderError(f"{url}: not a JSON object")
        return data

    def meta(self) -> dict[str, Any]:
        with self._lock:
            if self._meta is not None and time.monotonic() - self._meta[1] < DISCOVERY_LIFE:
                return self._meta[0]
        found = self._get(f"{self.settings.issuer}/.well-known/openid-configuration")
        if found.get("issuer", "").rstrip("/") != self.settings.issuer:
            raise ProviderError("the discovery document names another issuer")
        for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(found.get(field), str) or not found[field].startswith(("https://", "http://")):
                raise ProviderError(f"the discovery document has no usable {field}")
        with self._lock:
            self._meta, self._keys = (found, time.monotonic()), None
        return found

    def keys(self, kid: str | None) -> KeySet:
        """The provider's keys; fetched again when a token names a key id they do not have (a rotation)."""
        with self._lock:
            keys = self._keys
        if keys is not None and (kid is None or any(k.kid == kid for k in keys.keys)):
            return keys
        try:
            keys = KeySet.import_key_set(self._get(self.meta()["jwks_uri"]))  # type: ignore[arg-type]
        except (JoseError, KeyError, TypeError, ValueError) as exc:
            raise ProviderError(f"the provider's keys could not be read: {type(exc).__name__}") from None
        with self._lock:
            self._keys = keys
        return keys

    def client(self, redirect_uri: str) -> OAuth2Client:
        s = self.settings
        return OAuth2Client(s.client_id, s.client_secret, scope="openid email profile", redirect_uri=redirect_uri,
                            code_challenge_method="S256", timeout=TIMEOUT, transport=self.transport)  # fmt: skip

    def authorization_url(self, redirect_uri: str, state: str, nonce: str, verifier: str) -> str:
        with self.client(redirect_uri) as client:
            url, _ = client.create_authorization_url(self.meta()["authorization_endpoint"], state=state, code_verifier=verifier, nonce=nonce)
        return url

    def exchange(self, redirect_uri: str, code: str, verifier: str) -> str:
        """The ID token the code is exchanged for."""
        try:
            with self.client(redirect_uri) as client:
                token = client.fetch_token(self.meta()["token_endpoint"], grant_type="authorization_code", code=code, code_verifier=verifier)
        except (httpx.HTTPError, OAuth2Error, ValueError) as exc:
            raise ProviderError(f"the code could not be exchanged: {type(exc).__name__}") from None
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise ProviderError("the provider gave no ID token")
        return id_token


def verify_id_token(id_token: str, keys: Callable[[str | None], KeySet], issuer: str, client_id: str, nonce: str,
                    now: float) -> dict[str, Any]:  # fmt: skip
    """The ID token's claims if its signature is the provider's and it is for us, now, and this flow; else TokenRefused."""
    try:
        header = json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "=="))
        kid = header.get("kid") if isinstance(header, dict) else None
        token = jwt.decode(id_token, keys(kid if isinstance(kid, str) else None), algorithms=list(ALGORITHMS))
        jwt.JWTClaimsRegistry(
            now=int(now), leeway=LEEWAY, iss={"essential": True, "value": issuer}, aud={"essential": True, "value": client_id},
            exp={"essential": True}, iat={"essential": True}, nonce={"essential": True, "value": nonce}, sub={"essential": True},
        ).validate(token.claims)  # fmt: skip
    except (JoseError, ValueError, IndexError) as exc:
        raise TokenRefused(type(exc).__name__) from None
    claims = token.claims
    if isinstance(claims.get("aud"), list) and len(claims["aud"]) > 1 and claims.get("azp") != client_id:
        raise TokenRefused("issued to another party")
    return claims


def email_of(claims: Mapping[str, Any]) -> str | None:
    """The ``email`` claim, unless the provider says it is unverified: an ``email_verified`` claim given is true
    (``true``, or the string "true" some providers write), or the email is not taken ("false" as a string, or 0,
    was taken as verified: only ``false`` itself was refused). Entra ID gives no such claim: its emails are taken."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        return None
    if "email_verified" in claims and not (claims["email_verified"] is True or str(claims["email_verified"]).strip().lower() == "true"):
        return None
    return email


# --- the routes ---------------------------------------------------------------------------


def install(app: FastAPI, site: Site, settings: OidcSettings, transport: httpx.BaseTransport | None = None) -> Provider:
    """Add ``/oidc/sign-in`` and ``/oidc/callback`` to ``app`` (``transport``: for tests)."""
    provider = Provider(settings, transport)
    refused = site.refused

    def redirect_uri(request: Request) -> str | None:
        if site.base:
            return f"{site.base}/oidc/callback"
        if request.url.hostname in ("127.0.0.1", "localhost", "::1"):
            return f"{str(request.base_url).rstrip('/')}/oidc/callback"
        return None

    def unreachable() -> Response:
        return refused(502, "We could not reach the sign-in service",
                       f"{settings.name} is not answering just now. Try again in a few minutes, or ask for a sign-in link by email.")  # fmt: skip

    @app.get("/oidc/sign-in", include_in_schema=False)
    async def oidc_sign_in(request: Request, next: str | None = None) -> Response:
        if twice := site.next_twice(request):
            return twice
        back = redirect_uri(request)
        if back is None:
            return refused(503, "Sign-in is not set up", "This qaf does not know its address (QAF_BASE_URL): ask whoever runs it.")
        flow = {"s": secrets.token_urlsafe(24), "n": secrets.token_urlsafe(24), "v": secrets.token_urlsafe(48),
                "x": local_path(next), "t": site.now().timestamp()}  # fmt: skip
        try:
            url = await run_in_threadpool(provider.authorization_url, back, flow["s"], flow["n"], flow["v"])
        except ProviderError:
            return unreachable()
        response = RedirectResponse(url, status_code=303)
        response.set_cookie(FLOW_COOKIE, seal(settings.key, flow), max_age=FLOW_LIFE, httponly=True, samesite="lax",
                            secure=secure(request, site.base), path="/oidc")  # fmt: skip
        return response

    @app.get("/oidc/callback", include_in_schema=False)
    async def oidc_callback(request: Request, state: str = "", code: str = "", error: str = "") -> Response:
        now: datetime = site.now()
        flow = unseal(settings.key, request.cookies.get(FLOW_COOKIE), now.timestamp())
        back = redirect_uri(request)

        def answer(response: Response) -> Response:
            response.delete_cookie(FLOW_COOKIE, path="/oidc")  # a flow is used once, whatever happened
            return response

        if twice := given_twice(request.query_params, ("state", "code", "error")):  # one was taken, the last, silently
            named = " and ".join(f"'{k}'" for k in twice)
            return answer(refused(400, "This sign-in cannot be finished",
                                  f"The answer from the sign-in service gives {named} more than once, so it cannot be trusted. "
                                  "Go to the sign-in page and try again."))  # fmt: skip
        if flow is None or back is None or not state or not hmac.compare_digest(state.encode(), str(flow["s"]).encode()):
            return answer(refused(400, "This sign-in cannot be finished",
                                  "It took too long, or it was started in another browser. Go to the sign-in page and try again."))  # fmt: skip
        if error or not code:
            return answer(refused(403, "You were not signed in", f"{settings.name} did not sign you in. Go to the sign-in page to try again."))
        try:
            id_token = await run_in_threadpool(provider.exchange, back, code, flow["v"])
            claims = await run_in_threadpool(verify_id_token, id_token, provider.keys, settings.issuer, settings.client_id,
                                             flow["n"], now.timestamp())  # fmt: skip
        except ProviderError:
            return answer(unreachable())
        except TokenRefused:
            return answer(refused(400, "This sign-in cannot be finished",
                                  "The sign-in service's answer could not be trusted. Go to the sign-in page and try again."))  # fmt: skip
        email = email_of(claims)
        person = await run_in_threadpool(lambda: signin.person_by_email(site.store.org(), email, site.clock())) if email else None
        if person is None:
            return answer(refused(403, "We could not sign you in",
                                  "Your account is not one of this organisation's staff in qaf. Ask your manager to add you."))  # fmt: skip
        session = await run_in_threadpool(signin.start_session, site.store, person.id, now)
        response = RedirectResponse(local_path(flow.get("x")), status_code=303)
        response.set_cookie(COOKIE, session.token, httponly=True, samesite="lax", secure=secure(request, site.base), path="/")
        return answer(response)

    return provider
