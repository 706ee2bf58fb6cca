"""A real OpenID Connect provider on loopback for the single sign-on tests (tests/identity/provider/), started once
per test session, and the steps a browser takes through it."""

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.urls import reverse

from hearth.identity import oidc
from hearth.identity.models import IdentityProvider

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID, CLIENT_SECRET = "hearth-tests", "client-secret-for-the-tests-only"
PASSWORD = "provider-password"
SECRET_VARIABLE = "HEARTH_OIDC_SECRET_OXFORDSHIRE_TESTS"  # named for the council
REDIRECT_URI = "http://testserver/sign-in/council/callback"
AFTER_SIGN_OUT = "http://testserver/sign-in"


@dataclass
class Provider:
    folder: Path
    issuer: str

    def claims(self, **claims) -> None:
        """The claims the provider puts in its next ID tokens (over its own: iss, aud, exp, nonce...)."""
        (self.folder / "claims.json").write_text(json.dumps(claims))

    def misbehave(self, how: str) -> None:
        """How the next ID token goes wrong: wrong_audience, wrong_issuer, expired, wrong_nonce, unpublished_key."""
        (self.folder / "misbehave.txt").write_text(how)

    def discovery(self, **fields) -> None:
        """Fields the provider's discovery document says instead of its own (token_endpoint, jwks_uri...)."""
        (self.folder / "discovery.json").write_text(json.dumps(fields))

    def reset(self) -> None:
        for name in ("claims.json", "misbehave.txt", "discovery.json"):
            (self.folder / name).unlink(missing_ok=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    os.environ["NO_PROXY"] = ",".join(filter(None, [os.environ.get("NO_PROXY"), "127.0.0.1,localhost"]))
    folder = tmp_path_factory.mktemp("oidc-provider")
    port = _free_port()
    env = {**os.environ, "PROVIDER_DIR": str(folder), "PROVIDER_PORT": str(port), "PROVIDER_PASSWORD": PASSWORD,
           "PROVIDER_CLIENT_ID": CLIENT_ID, "PROVIDER_CLIENT_SECRET": CLIENT_SECRET,
           "PROVIDER_REDIRECT_URI": REDIRECT_URI, "PROVIDER_LOGOUT_URI": AFTER_SIGN_OUT}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = (folder / "provider.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "tests.identity.provider.serve"], cwd=ROOT, env=env,  # noqa: S603
                               stdout=log, stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{port}/o"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError("the test identity provider stopped: " + (folder / "provider.log").read_text())
            try:
                if requests.get(issuer + oidc.DISCOVERY, timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the test identity provider did not start")
            time.sleep(0.2)
        yield Provider(folder=folder, issuer=issuer)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def provider(oidc_provider):
    oidc_provider.reset()
    oidc.forget_metadata()
    yield oidc_provider
    oidc_provider.reset()


@pytest.fixture
def idp(db, council, provider, monkeypatch) -> IdentityProvider:
    """The council's identity provider as its administrator would set it: the test provider, MFA from the provider
    accepted, accounts matched by email in example.test, none created."""
    monkeypatch.setenv(SECRET_VARIABLE, CLIENT_SECRET)
    return IdentityProvider.objects.create(
        council=council, name="Oxfordshire County Council", discovery_url=provider.issuer, client_id=CLIENT_ID,
        client_secret_variable=SECRET_VARIABLE, email_domains="example.test")


def staff_claims(**overrides) -> dict:
    claims = {"sub": "subject-of-pat", "email": "pat.practitioner@example.test", "email_verified": True,
              "name": "Pat Practitioner", "amr": ["pwd", "mfa"], "groups": []}
    claims.update(overrides)
    return claims


def through_provider(client, idp: IdentityProvider, *, state: str | None = None, next_url: str = ""):
    """Sign in as a browser does: Hearth's start, the provider's sign-in page and its redirect back with the code
    and state, then Hearth's callback (whose answer is returned). `state` replaces the state sent back."""
    response = client.get(reverse("identity:start", args=[idp.pk]), {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.content[:500]
    browser = requests.Session()
    answer = browser.get(response["Location"], allow_redirects=False)
    assert answer.status_code == 302
    login_page = urljoin(answer.url, answer.headers["Location"])
    answer = browser.post(login_page, data={"username": "staff", "password": PASSWORD}, allow_redirects=False)
    assert answer.status_code == 302
    answer = browser.get(urljoin(login_page, answer.headers["Location"]), allow_redirects=False)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == REDIRECT_URI
    query = back.query
    if state is not None:
        query = "&".join(f"state={state}" if part.startswith("state=") else part for part in query.split("&"))
    return client.get(f"{back.path}?{query}")
