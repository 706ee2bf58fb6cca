"""The pseudonymised analysis extract: the council's Early Help records with no direct identifier in them, for the
analyst to study outcomes, flows and equality without names.

What it holds is an allow-list, field by field (`OBJECTS`): no name, address, postcode, email, phone, NHS number,
UPN, national insurance number, free text or date of birth. Each person, family, episode and referral is a
pseudonym instead of its record number: an HMAC-SHA256 of the record's kind and number under a key of the council's
own (derived from HEARTH_PSEUDONYM_KEY and the council's code), so the same person has the same pseudonym in every
extract the council makes for as long as the key is kept, and no one without the key can go from a pseudonym back
to the record or from a record to its pseudonym. A birth is given as its year and month; an age band is worked out
on the day the extract is made. People left out of every extract (`left_out`) are left out here too; a family's
rows stay, without them.

Rows are read in chunks, as for the Standard Safeguarding Dataset, so memory stays flat at any size."""

import datetime
import hashlib
import hmac
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone

from hearth.cases.models import Episode
from hearth.outcomes.models import Score
from hearth.people.models import Family, FamilyMember
from hearth.referrals.models import Referral
from hearth.reports.ages import AGE_BANDS
from hearth.reports.extract_files import Field
from hearth.reports.left_out import people_included
from hearth.reports.ssd import SEX_CODES

CHUNK = 5_000

OBJECTS: dict[str, list[Field]] = {
    "people": [Field("person"), Field("sex"), Field("ethnicity"), Field("birth_year_month"), Field("age_band"),
               Field("disability")],
    "family_members": [Field("family"), Field("person"), Field("role")],
    "families": [Field("family"), Field("locality")],
    "episodes": [Field("episode"), Field("family"), Field("started_on", kind="date"),
                 Field("closed_on", kind="date"), Field("status"), Field("origin"), Field("reason"),
                 Field("level", kind="int"), Field("end_reason"), Field("lead_agency_kind")],
    "outcome_scores": [Field("episode"), Field("taken_on", kind="date"), Field("context"), Field("area"),
                       Field("worker_score", kind="int"), Field("family_score", kind="int")],
    "referrals": [Field("referral"), Field("family"), Field("kind"), Field("requested_by"),
                  Field("received_on", kind="date"), Field("screened_on", kind="date"), Field("decision"),
                  Field("level", kind="int"), Field("urgency", kind="int")],
}


def council_key(council) -> bytes:
    return hmac.new(settings.HEARTH_PSEUDONYM_KEY.encode(), f"hearth-pseudonyms:{council.code}".encode(),
                    hashlib.sha256).digest()


def pseudonym(key: bytes, kind: str, pk) -> str:
    """The record's pseudonym: 20 hexadecimal characters (80 bits), the same every time under the same key."""
    return hmac.new(key, f"{kind}:{pk}".encode(), hashlib.sha256).hexdigest()[:20]


def age_band(born: datetime.date | None, on: datetime.date) -> str:
    if born is None:
        return ""
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next((label for low, high, label in AGE_BANDS if low <= age <= high), "")


def _local_day(value) -> str:
    return timezone.localdate(value).isoformat() if value else ""


def _day(value) -> str:
    return value.isoformat() if value else ""


def rows(council) -> dict:
    """{object: function giving its rows}, each row in its fields' order."""
    key = council_key(council)
    today = timezone.localdate()
    people = people_included(council)

    def people_rows() -> Iterator[tuple]:
        for pk, sex, ethnicity, born, disability in (people.order_by("pk").values_list(
                "pk", "sex", "ethnicity", "date_of_birth", "disability").iterator(chunk_size=CHUNK)):
            yield (pseudonym(key, "person", pk), SEX_CODES.get(sex, "U"), ethnicity or "",
                   f"{born:%Y-%m}" if born else "", age_band(born, today), disability)

    def member_rows() -> Iterator[tuple]:
        members = (FamilyMember.objects.filter(family__council=council, person__in=people).order_by("pk")
                   .values_list("family_id", "person_id", "role"))
        for family, person, role in members.iterator(chunk_size=CHUNK):
            yield (pseudonym(key, "family", family), pseudonym(key, "person", person), role)

    def family_rows() -> Iterator[tuple]:
        for pk, locality in (Family.objects.filter(council=council).order_by("pk")
                             .values_list("pk", "locality__name").iterator(chunk_size=CHUNK)):
            yield (pseudonym(key, "family", pk), locality or "")

    def episode_rows() -> Iterator[tuple]:
        episodes = (Episode.objects.filter(family__council=council).order_by("pk")
                    .values_list("pk", "family_id", "started_on", "closed_on", "status", "origin", "reason", "level",
                                 "end_reason", "lead_professional__agency__kind"))
        for pk, family, started, closed, status, origin, reason, level, end, agency in episodes.iterator(
                chunk_size=CHUNK):
            yield (pseudonym(key, "episode", pk), pseudonym(key, "family", family), _day(started), _day(closed),
                   status, origin, reason, level, end or "", agency or "")

    def score_rows() -> Iterator[tuple]:
        scores = (Score.objects.filter(reading__episode__family__council=council).order_by("reading_id", "pk")
                  .values_list("reading__episode_id", "reading__taken_on", "reading__context", "area", "score",
                               "family_score"))
        for episode, taken, context, area, score, family_score in scores.iterator(chunk_size=CHUNK):
            yield (pseudonym(key, "episode", episode), _day(taken), context, area, score, family_score)

    def referral_rows() -> Iterator[tuple]:
        referrals = (Referral.objects.filter(council=council).order_by("pk")
                     .values_list("pk", "family_id", "kind", "requester_kind", "requester_user__agency__kind",
                                  "received_at", "screened_at", "decision", "level", "urgency"))
        for pk, family, kind, requester, agency, received, screened, decision, level, urgency in (
                referrals.iterator(chunk_size=CHUNK)):
            yield (pseudonym(key, "referral", pk), pseudonym(key, "family", family) if family else "", kind,
                   agency if requester == "practitioner" and agency else requester, _local_day(received),
                   _local_day(screened), decision, level, urgency)

    return {"people": people_rows, "family_members": member_rows, "families": family_rows,
            "episodes": episode_rows, "outcome_scores": score_rows, "referrals": referral_rows}
