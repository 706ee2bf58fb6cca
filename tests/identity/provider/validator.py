"""The test provider's ID tokens: the claims the test set (claims.json), and, for the next token only, a way of
misbehaving the test chose (misbehave.txt): a wrong audience or issuer, an expired token, a wrong nonce, or a
signature by a key the provider does not publish."""

import json
import time

from django.conf import settings
from django.db import transaction
from jwcrypto import jwk, jwt
from oauth2_provider.oauth2_validators import OAuth2Validator


def _consume(name: str) -> str:
    path = settings.DIR / name
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        return ""
    path.unlink()
    return text


class Validator(OAuth2Validator):
    oidc_claim_scope = None  # every claim, whatever the scope

    def get_additional_claims(self, request):
        return {}

    def finalize_id_token(self, id_token, token, token_handler, request):
        claims, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        path = settings.DIR / "claims.json"
        if path.exists():
            id_token.update(json.loads(path.read_text()))
        key, kid = request.client.jwk_key, request.client.jwk_key.thumbprint()
        now = int(time.time())
        mode = _consume("misbehave.txt")
        if mode == "wrong_audience":
            id_token["aud"] = "another-service"
        elif mode == "expired":
            id_token["iat"], id_token["exp"] = now - 7200, now - 3600
        elif mode == "wrong_issuer":
            id_token["iss"] = "http://127.0.0.1:1/another-issuer"
        elif mode == "wrong_nonce":
            id_token["nonce"] = "not-the-nonce-hearth-sent"
        elif mode == "unpublished_key":
            key = jwk.JWK.generate(kty="RSA", size=2048)  # signed with the published key's id, by another key
        signed = jwt.JWT(header=json.dumps({"typ": "JWT", "alg": "RS256", "kid": kid}),
                         claims=json.dumps(id_token, default=str))
        signed.make_signed_token(key)
        with transaction.atomic():
            saved = self._save_id_token(id_token["jti"], request, expiration_time)
        request.access_token = saved
        request.id_token = saved
        return signed.serialize()
