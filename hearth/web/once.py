"""Forms that create something are saved once, however often they are sent (decision record 0013).

Every such form carries a one-time key, a hidden field rendered by `submit_once_field()` (a Jinja global; the
shared `web/form_page.html` layout includes it). Its view is decorated with `@submit_once`:

    @submit_once
    def notes_view(request, family_id): ...

When a POST carries a key, the decorator claims it inside the request's transaction before the view runs, by
inserting a `core.SubmissionKey` row, unique on (user, key) (on the key alone for the public form, where nobody is
signed in). Then:

- the first submission runs the view; when it redirects (the form was saved), the claim keeps where it redirected,
  the messages it showed and what it left in the session, and commits with the work. When it does not (the form is
  shown again with its errors, or the request fails), the claim is removed or rolled back, so the key can be sent
  again;
- a repeat of the same key (a double-click, the page sent again) finds the claim and is answered with the first
  one's result, the same redirect and the same messages, and the view does not run. Two repeats arriving at the
  same moment (two server processes) cannot both create: on PostgreSQL the second insert waits for the first
  transaction and then fails on the unique constraint; on SQLite requests take the write lock when they begin
  (`transaction_mode` IMMEDIATE), so the second starts after the first has committed.

A POST without a key (an older page, an API client) runs the view as before. Views that opt out of the request's
transaction (`transaction.non_atomic_requests`, the disposal runs) claim the key in a short transaction of their
own; a repeat that arrives while the first is still running waits for it for a few seconds.

Claims are kept for a day (`KEEP`); each new claim removes older ones.
"""

import functools
import logging
import re
import secrets
import time
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from markupsafe import Markup

from hearth.core.models import SubmissionKey

log = logging.getLogger(__name__)

FIELD = "submission_key"
KEEP = timedelta(days=1)
# How long a repeat waits for a first submission that runs outside the request's transaction.
WAIT_SECONDS = 10.0
_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
_ABSENT = object()

# Every view decorated with submit_once, by module and name (tests check every create form is among them).
VIEWS: set[str] = set()


def new_key() -> str:
    return secrets.token_urlsafe(24)


def submit_once_field() -> Markup:
    """The hidden field carrying a new one-time key: put it inside every form that creates something."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, new_key())


def is_submit_once(view) -> bool:
    """Whether a view (as the URL conf holds it, perhaps wrapped by other decorators) is decorated."""
    while view is not None:
        if getattr(view, "submit_once", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def submit_once(view):
    """Answer a repeat of the same form's submission with the first one's result (module docstring)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        key = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not _KEY.fullmatch(key):
            return view(request, *args, **kwargs)
        user_id = request.user.pk if getattr(request, "user", None) and request.user.is_authenticated else None
        if transaction.get_connection().in_atomic_block:
            return _in_request_transaction(view, request, key, user_id, args, kwargs)
        return _in_own_transaction(view, request, key, user_id, args, kwargs)

    wrapped.submit_once = True
    VIEWS.add(f"{view.__module__}.{view.__qualname__}")
    return wrapped


def _claims(user_id):
    return SubmissionKey.objects.filter(user_id=user_id) if user_id else SubmissionKey.objects.filter(
        user_id__isnull=True)


def _claim(key: str, user_id) -> tuple[SubmissionKey | None, SubmissionKey | None]:
    """(our new claim, None), or (None, the earlier claim of the same key)."""
    _prune()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return SubmissionKey.objects.create(key=key, user_id=user_id), None
        except IntegrityError:
            earlier = _claims(user_id).filter(key=key).first()
            if earlier is not None:
                return None, earlier
            # The claim went between our insert and our look: it was given up, so try once more.
    return None, None


def _prune() -> None:
    """Remove claims older than a day, skipping any another request holds (no waiting on PostgreSQL)."""
    old = SubmissionKey.objects.filter(created__lt=timezone.now() - KEEP).order_by("pk")
    ids = list(old.select_for_update(skip_locked=True).values_list("pk", flat=True)[:500])
    if ids:
        SubmissionKey.objects.filter(pk__in=ids).delete()


def _saved(response) -> bool:
    return 300 <= response.status_code < 400 and response.has_header("Location")


def _session_items(request) -> dict:
    session = getattr(request, "session", None)
    return dict(session.items()) if session is not None else {}


def _keep_result(claim: SubmissionKey, request, response, session_before: dict) -> None:
    """Keep what the user was shown: the redirect, the messages queued for the next page, the session's changes."""
    storage = getattr(request, "_messages", None)
    # The messages this request added (Django keeps them queued until the response is finished).
    queued = getattr(storage, "_queued_messages", []) if storage is not None else []
    claim.redirect_url = response["Location"]
    claim.messages = [[m.level, str(m.message), m.extra_tags or ""] for m in queued]
    claim.session = {k: v for k, v in _session_items(request).items() if session_before.get(k, _ABSENT) != v}
    claim.save(update_fields=["redirect_url", "messages", "session"])


def _replay(request, earlier: SubmissionKey, view):
    log.info("A form was sent again with the same one-time key (%s, claim %s): answered with the first result",
             view.__name__, earlier.pk)
    for level, text, tags in earlier.messages:
        messages.add_message(request, level, text, extra_tags=tags, fail_silently=True)
    if earlier.session and getattr(request, "session", None) is not None:
        request.session.update(earlier.session)
    return HttpResponseRedirect(earlier.redirect_url)


def _in_request_transaction(view, request, key, user_id, args, kwargs):
    claim, earlier = _claim(key, user_id)
    if earlier is not None and earlier.redirect_url:
        return _replay(request, earlier, view)
    if claim is None:  # claimed and not finished: only a view outside the request's transaction leaves that
        return _still_saving(request)
    session_before = _session_items(request)
    response = view(request, *args, **kwargs)  # an exception rolls the claim back with the rest
    if _saved(response):
        _keep_result(claim, request, response, session_before)
    else:
        claim.delete()  # nothing was saved: the same key may be sent again
    return response


def _in_own_transaction(view, request, key, user_id, args, kwargs):
    with transaction.atomic():
        claim, earlier = _claim(key, user_id)
    if claim is None:
        deadline = time.monotonic() + WAIT_SECONDS
        while earlier is not None and not earlier.redirect_url and time.monotonic() < deadline:
            time.sleep(0.25)
            earlier = _claims(user_id).filter(pk=earlier.pk).first()
        if earlier is not None and earlier.redirect_url:
            return _replay(request, earlier, view)
        if earlier is not None:
            return _still_saving(request)
        with transaction.atomic():  # the first gave up: this one goes ahead
            claim, earlier = _claim(key, user_id)
        if claim is None:
            return _still_saving(request)
    session_before = _session_items(request)
    try:
        response = view(request, *args, **kwargs)
    except BaseException:
        SubmissionKey.objects.filter(pk=claim.pk).delete()
        raise
    if _saved(response):
        _keep_result(claim, request, response, session_before)
    else:
        SubmissionKey.objects.filter(pk=claim.pk).delete()
    return response


def _still_saving(request):
    return render(request, "web/error.html", {
        "title": "This form is still being saved",
        "message": "You sent this form more than once. The first one is still being saved. Wait a minute, then "
                   "go back to the page you came from to check it has been saved.",
    }, status=409)
