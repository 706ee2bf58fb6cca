"""The OpenID Connect client: Authlib's Django client (decision record 0015), one per identity provider, built from
the provider's record on each use. Authlib does the protocol: discovery, the authorisation request with state, nonce
and PKCE (S256), the code exchange, and the ID token's checks (signature against the provider's published keys,
`iss` against the discovered issuer, `aud` and `azp` against the client id, `exp` and `iat`, `nonce`).

Nothing here logs a token, a claim or an error's message: only which check failed."""

import hashlib
import ipaddress
import time
from urllib.parse import urlsplit

from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoOAuth2App
from authlib.integrations.django_client.integration import DjangoIntegration
from django.core.cache import cache
from joserfc import errors as jose

from hearth.identity.models import IdentityProvider

SCOPE = "openid email profile"
DISCOVERY = "/.well-known/openid-configuration"
LEEWAY_SECONDS = 60  # clock difference allowed on `exp` and `iat`
TIMEOUT_SECONDS = 10
METADATA_SECONDS = 600
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
UNREACHABLE_SECONDS = 30  # a discovery that failed is not tried again for this long (every process: the cache)
_metadata: dict[str, tuple[float, dict]] = {}  # each process's copy of the discovery document and keys
# The provider's `error` on the callback, in the audit log only when it is one of the codes OAuth 2.0 (RFC 6749,
# 4.1.2.1) and OpenID Connect (Core, 3.1.2.6) define; anything else is `provider_error`.
PROVIDER_ERRORS = frozenset({
    "access_denied", "login_required", "interaction_required", "consent_required", "invalid_request",
    "unauthorized_client", "unsupported_response_type", "invalid_scope", "server_error", "temporarily_unavailable",
    "account_selection_required",
    # and the token endpoint's own (RFC 6749, 5.2): a wrong client secret is invalid_client
    "invalid_client", "invalid_grant", "unsupported_grant_type"})


class SignInFailed(Exception):
    """The sign-in could not be trusted; `reason` is a short code for the audit log (no personal data)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def discovery_url(provider: IdentityProvider) -> str:
    url = provider.discovery_url.strip().rstrip("/")
    return url if url.endswith(DISCOVERY) else url + DISCOVERY


def issuer(provider: IdentityProvider) -> str:
    return discovery_url(provider)[: -len(DISCOVERY)]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def endpoints_trusted(metadata: dict, issuer_url: str) -> bool:
    """Whether the issuer, and the token endpoint (which receives the client secret) and the keys (which decide
    which ID tokens are believed) the discovery document names, are https on the issuer's own host. Plain http only
    on a loopback host (a provider on the same machine, as in the tests)."""
    scheme, host, port = _host(issuer_url)
    if not host or scheme not in ("https", "http") or (scheme == "http" and not _is_loopback(host)):
        return False
    for field in ("token_endpoint", "jwks_uri"):
        their_scheme, their_host, their_port = _host(str(metadata.get(field) or ""))
        if (their_host, their_port) != (host, port) or their_scheme not in ("https", "http"):
            return False
        if their_scheme == "http" and not _is_loopback(their_host):
            return False
    return True


def _unreachable_key(provider: IdentityProvider) -> str:
    return "identity:unreachable:" + hashlib.sha256(discovery_url(provider).encode()).hexdigest()[:40]


def client(provider: IdentityProvider) -> DjangoOAuth2App:
    secret = provider.client_secret()
    if not secret:
        raise SignInFailed("no_client_secret")
    name = f"hearth-idp-{provider.pk}"
    app = DjangoOAuth2App(DjangoIntegration(name), name=name, client_id=provider.client_id, client_secret=secret,
                          server_metadata_url=discovery_url(provider),
                          client_kwargs={"scope": SCOPE, "code_challenge_method": "S256",
                                         "default_timeout": TIMEOUT_SECONDS})
    url = discovery_url(provider)
    cached = _metadata.get(url)
    if cached and time.time() - cached[0] < METADATA_SECONDS:
        app.server_metadata.update(cached[1])
    return app


def _metadata_of(app: DjangoOAuth2App, provider: IdentityProvider) -> dict:
    metadata = app.load_server_metadata()
    # The discovery document must name the issuer it was fetched from (OpenID Connect Discovery, section 4.3): the
    # ID token's `iss` is then checked against the administrator's own URL, not whatever a document says.
    if str(metadata.get("issuer", "")).rstrip("/") != issuer(provider):
        raise SignInFailed("issuer_mismatch")
    # The client secret goes to the token endpoint, and the keys decide which tokens are believed: both on the
    # issuer's own host, over https.
    if not endpoints_trusted(metadata, issuer(provider)):
        raise SignInFailed("untrusted_endpoint")
    # Only public-key signatures: never a token signed with the client secret (HS256) or not signed at all.
    offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    metadata["id_token_signing_alg_values_supported"] = [a for a in offered if a in SIGNING_ALGORITHMS]
    if not metadata["id_token_signing_alg_values_supported"]:
        raise SignInFailed("no_usable_algorithm")
    return metadata


def _remember(app: DjangoOAuth2App, provider: IdentityProvider) -> None:
    _metadata[discovery_url(provider)] = (time.time(), dict(app.server_metadata))


def forget_metadata(provider: IdentityProvider | None = None) -> None:
    if provider is None:
        _metadata.clear()
    else:
        _metadata.pop(discovery_url(provider), None)
        cache.delete(_unreachable_key(provider))


def authorization_redirect(request, provider: IdentityProvider, redirect_uri: str):
    """The redirect to the provider's sign-in, with state, nonce and the PKCE challenge kept in the session."""
    app = client(provider)
    # A provider that could not be reached is not fetched again for a while: each click would otherwise hold a
    # worker for up to TIMEOUT_SECONDS.
    if cache.get(_unreachable_key(provider)):
        raise SignInFailed("provider_unreachable")
    try:
        _metadata_of(app, provider)
        response = app.authorize_redirect(request, redirect_uri)
    except SignInFailed:
        raise
    except Exception as exc:  # the provider cannot be reached, or its discovery document is not usable
        cache.set(_unreachable_key(provider), 1, timeout=UNREACHABLE_SECONDS)
        raise SignInFailed("provider_unreachable") from exc
    _remember(app, provider)
    return response


def _reason(exc: Exception) -> str:
    if isinstance(exc, MismatchingStateError):
        return "state"
    if isinstance(exc, jose.ExpiredTokenError):
        return "expired"
    if isinstance(exc, jose.BadSignatureError | jose.InvalidKeyIdError | jose.DecodeError |
                  jose.UnsupportedAlgorithmError):
        return "signature"
    if isinstance(exc, jose.ClaimError):
        return f"claim_{getattr(exc, 'claim', '') or 'invalid'}"[:40]
    if isinstance(exc, OAuthError):
        return f"provider_{exc.error}" if exc.error in PROVIDER_ERRORS else "provider_error"
    return "token_exchange"


def complete(request, provider: IdentityProvider) -> tuple[dict, str]:
    """The callback: check the state, exchange the code (with the PKCE verifier), validate the ID token. Returns
    its claims and the raw ID token (kept for signing out). Raises SignInFailed with the check that failed."""
    app = client(provider)
    try:
        metadata = _metadata_of(app, provider)
        # Stated in full: Authlib's default checks `iss` only, and `aud` only through `azp`.
        options = {"iss": {"essential": True, "values": [metadata["issuer"]]},
                   "aud": {"essential": True, "values": [provider.client_id]},
                   "sub": {"essential": True}, "nonce": {"essential": True}}
        token = app.authorize_access_token(request, leeway=LEEWAY_SECONDS, claims_options=options)
    except SignInFailed:
        raise
    except Exception as exc:  # every failure of the protocol or the token is a refused sign-in, never a 500
        raise SignInFailed(_reason(exc)) from exc
    _remember(app, provider)
    claims = token.get("userinfo")
    if not token.get("id_token") or not claims or not claims.get("sub"):
        raise SignInFailed("no_id_token")
    return dict(claims), token["id_token"]


def logout_url(provider: IdentityProvider, *, id_token: str, after: str) -> str:
    """The provider's end-session URL (RP-initiated logout), or "" when it publishes none or cannot be reached."""
    try:
        app = client(provider)
        metadata = _metadata_of(app, provider)
        if not metadata.get("end_session_endpoint"):
            return ""
        _remember(app, provider)
        return app.create_logout_url(post_logout_redirect_uri=after, id_token_hint=id_token,
                                     client_id=provider.client_id)["url"]
    except Exception:  # signing out of Hearth never fails for want of the provider
        return ""
