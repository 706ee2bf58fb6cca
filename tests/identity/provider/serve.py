"""Start the test provider: `python -m tests.identity.provider.serve` with PROVIDER_DIR, PROVIDER_PORT and
PROVIDER_REDIRECT_URI, PROVIDER_LOGOUT_URI, PROVIDER_CLIENT_ID, PROVIDER_CLIENT_SECRET in the environment. Makes an
RSA key, the database, a user (`staff`, password PROVIDER_PASSWORD) and Hearth's application, then serves on
127.0.0.1."""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def main() -> None:
    folder = Path(os.environ["PROVIDER_DIR"])
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.identity.provider.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    User.objects.create_user("staff", password=os.environ["PROVIDER_PASSWORD"])
    Application.objects.create(
        name="Hearth", client_id=os.environ["PROVIDER_CLIENT_ID"], client_secret=os.environ["PROVIDER_CLIENT_SECRET"],
        client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=os.environ["PROVIDER_REDIRECT_URI"], post_logout_redirect_uris=os.environ["PROVIDER_LOGOUT_URI"],
        algorithm=Application.RS256_ALGORITHM, skip_authorization=True)
    (folder / "ready").write_text("ok")
    call_command("runserver", f"127.0.0.1:{os.environ['PROVIDER_PORT']}", use_reloader=False, use_threading=True,
                 skip_checks=True)


if __name__ == "__main__":
    main()
