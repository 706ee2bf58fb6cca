"""The limits hold across web workers: `hearth serve` with three workers counts one client's failed sign-ins in the
store they all share (the database cache by default), not once in each worker's memory."""

import http.cookiejar
import re
import urllib.parse
import urllib.request

from tests.ops._server import Server, environ, hearth

PASSWORD = "a long enough passphrase for the test"
MAKE_USER = f"""
from hearth.accounts.models import Agency, User
from hearth.core.models import Council
agency = Agency.objects.create(council=Council.objects.first(), name="Early Help", kind="early_help_team")
user = User(email="sam.staff@example.test", full_name="Sam Staff", agency=agency)
user.set_password({PASSWORD!r})
user.save()
"""


class Browser:
    """A browser of one address: keeps its cookies, sends the form's CSRF token back."""

    def __init__(self, server: Server):
        self.server = server
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def sign_in(self, email: str, password: str) -> tuple[int, str]:
        page = self.opener.open(f"{self.server.base}/sign-in", timeout=60).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "email": email, "password": password}).encode()
        request = urllib.request.Request(f"{self.server.base}/sign-in", data=data)  # noqa: S310 - our own server
        with self.opener.open(request, timeout=60) as answer:
            return answer.status, answer.geturl()


def test_failed_sign_ins_from_one_address_are_counted_across_three_workers(tmp_path):
    server = Server(tmp_path / "site", workers=3, HEARTH_SIGNIN_ADDRESS_LIMIT="6")
    try:
        env = environ(tmp_path / "site")
        hearth("load-profiles", env=env)
        hearth("shell", "-c", MAKE_USER, env=env)
        browser = Browser(server)
        assert browser.sign_in("sam.staff@example.test", PASSWORD)[1].endswith("/sign-in/set-up-two-factor")
        browser = Browser(server)
        for n in range(6):  # six guesses at six addresses, spread over the three workers
            status, url = browser.sign_in(f"guess.{n}@example.test", "wrong")
            assert status == 200 and url.endswith("/sign-in")
        # Each worker saw about two of them; together they reached the limit, so the right password is refused.
        status, url = browser.sign_in("sam.staff@example.test", PASSWORD)
        assert status == 200 and url.endswith("/sign-in")
    finally:
        server.stop()
