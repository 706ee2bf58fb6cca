"""The Standard Safeguarding Dataset (SSD) of Data to Insight: the objects for Early Help, as Hearth's records fill
them.

The field names, their order and their item references are those of the SSD's live deployment script
(data-to-insight/ssd-data-model, `deployment_extracts/systemc/live/ssd_deployment_individual_files/
systemc_sqlserver_v1.4.9_1_20260914.sql`, commit 2d4bd6939aa86e1b4abf53933c7f190657cba9e2), which is newer than the
YAML object specifications in the same repository: `pers_upn`, `pers_forename` and `pers_surname` are in the script
only, and PERS013A is `pers_single_unique_id` there (the YAML's `pers_common_child_id`). Decision record 0016 says
why.

How Hearth fills them, where it is not obvious:
- An Early Help episode is the family's in Hearth and each child's in the SSD: one `ssd_early_help_episodes` row for
  each child of the family (`earl_episode_id` is "<episode>-<person>"), and likewise one `ssd_involvements` row for
  each child of a family a professional is involved with.
- `pers_single_unique_id` (the single unique identifier, the NHS number while there is none) is the NHS number.
- A field Hearth does not record is left empty (legacy id, gender code, expected date of birth, date of death,
  nationality, SEND flag, staff id, registration number, agency-worker flag, full-time equivalence).

Who is left out, and counted, is `hearth.reports.left_out`'s rule. Every row is read in chunks from the database, so
memory stays flat whatever the council's size."""

from collections.abc import Iterator

from django.db.models import Count, Exists, OuterRef, Q

from hearth.accounts.models import User
from hearth.cases.models import EpisodeReason, EpisodeStatus
from hearth.people.models import FamilyMember, MemberRole, Sex
from hearth.reports.extract_files import Field
from hearth.reports.left_out import people_included

CHUNK = 5_000

OBJECTS: dict[str, list[Field]] = {
    "ssd_person": [
        Field("pers_legacy_id", "PERS014A"), Field("pers_person_id", "PERS001A"), Field("pers_upn", "PERS006A"),
        Field("pers_forename", "PERS015A"), Field("pers_surname", "PERS016A"), Field("pers_sex", "PERS002A"),
        Field("pers_gender", "PERS003A"), Field("pers_ethnicity", "PERS004A"), Field("pers_dob", "PERS005A", "date"),
        Field("pers_single_unique_id", "PERS013A"), Field("pers_upn_unknown", "PERS007A"),
        Field("pers_send_flag", "PERS008A"), Field("pers_expected_dob", "PERS009A", "date"),
        Field("pers_death_date", "PERS010A", "date"), Field("pers_is_mother", "PERS011A"),
        Field("pers_nationality", "PERS012A"),
    ],
    "ssd_family": [
        Field("fami_table_id", "FAMI003A"), Field("fami_family_id", "FAMI001A"), Field("fami_person_id", "FAMI002A"),
    ],
    "ssd_early_help_episodes": [
        Field("earl_episode_id", "EARL001A"), Field("earl_person_id", "EARL002A"),
        Field("earl_episode_start_date", "EARL003A", "date"), Field("earl_episode_end_date", "EARL004A", "date"),
        Field("earl_episode_reason", "EARL005A"), Field("earl_episode_end_reason", "EARL006A"),
        Field("earl_episode_organisation", "EARL007A"), Field("earl_episode_worker_id", "EARL008A"),
    ],
    "ssd_involvements": [
        Field("invo_involvements_id", "INVO005A"), Field("invo_professional_id", "INVO006A"),
        Field("invo_professional_role_id", "INVO007A"), Field("invo_professional_team", "INVO009A"),
        Field("invo_person_id", "INVO011A"), Field("invo_involvement_start_date", "INVO002A", "date"),
        Field("invo_involvement_end_date", "INVO003A", "date"), Field("invo_worker_change_reason", "INVO004A"),
        Field("invo_referral_id", "INVO010A"),
    ],
    "ssd_professionals": [
        Field("prof_professional_id", "PROF001A"), Field("prof_staff_id", "PROF010A"),
        Field("prof_professional_name", "PROF013A"), Field("prof_social_worker_registration_no", "PROF002A"),
        Field("prof_agency_worker_flag", "PROF014A"), Field("prof_professional_job_title", "PROF007A"),
        Field("prof_professional_caseload", "PROF008A", "int"), Field("prof_professional_department", "PROF012A"),
        Field("prof_full_time_equivalency", "PROF011A", "float"),
    ],
}

SEX_CODES = {Sex.FEMALE: "F", Sex.MALE: "M", Sex.NOT_KNOWN: "U"}
PARENTS = (MemberRole.PARENT_WITH_PR, MemberRole.PARENT_WITHOUT_PR)


def _day(value) -> str:
    return value.isoformat() if value else ""


def _text(value) -> str:
    return "" if value is None else str(value)


def person_rows(council) -> Iterator[tuple]:
    # A mother: a woman who is a parent or carer in a family with a child (the SSD derives it from relationships).
    parent = FamilyMember.objects.filter(person=OuterRef("pk"), role__in=PARENTS,
                                         family__members__role=MemberRole.CHILD)
    people = people_included(council).annotate(parent=Exists(parent)).order_by("pk")
    for pk, upn, given, surname, sex, ethnicity, dob, nhs, is_parent in people.values_list(
            "pk", "upn", "given_name", "family_name", "sex", "ethnicity", "date_of_birth", "nhs_number",
            "parent").iterator(chunk_size=CHUNK):
        mother = is_parent and sex == Sex.FEMALE
        yield ("", str(pk), upn or "", given, surname, SEX_CODES.get(sex, "U"), "", ethnicity or "", _day(dob),
               nhs or "", "", "", "", "", "Y" if mother else "N", "")


def family_rows(council) -> Iterator[tuple]:
    members = (FamilyMember.objects.filter(family__council=council, person__in=people_included(council))
               .order_by("pk").values_list("pk", "family_id", "person_id"))
    for pk, family_id, person_id in members.iterator(chunk_size=CHUNK):
        yield (str(pk), str(family_id), str(person_id))


def early_help_rows(council) -> Iterator[tuple]:
    reasons = dict(EpisodeReason.choices)
    closures = {r["code"]: r.get("label", r["code"]) for r in council.closure_reasons}
    rows = (FamilyMember.objects.filter(family__council=council, role=MemberRole.CHILD,
                                        person__in=people_included(council), family__episodes__isnull=False)
            .order_by("family__episodes__pk", "person_id")
            .values_list("family__episodes__pk", "person_id", "family__episodes__started_on",
                         "family__episodes__closed_on", "family__episodes__reason", "family__episodes__end_reason",
                         "family__episodes__lead_professional__agency__name",
                         "family__episodes__lead_professional_id"))
    for episode, person, started, closed, reason, end_reason, agency, lead in rows.iterator(chunk_size=CHUNK):
        yield (f"{episode}-{person}", str(person), _day(started), _day(closed), reasons.get(reason, reason or ""),
               closures.get(end_reason, end_reason or ""), agency or "", _text(lead))


def involvement_rows(council) -> Iterator[tuple]:
    rows = (FamilyMember.objects.filter(family__council=council, role=MemberRole.CHILD,
                                        person__in=people_included(council), family__involvements__isnull=False)
            .order_by("family__involvements__pk", "person_id")
            .values_list("family__involvements__pk", "family__involvements__user_id",
                         "family__involvements__relationship", "family__involvements__user__team_id", "person_id",
                         "family__involvements__started_at", "family__involvements__ended_at"))
    for involvement, user, relationship, team, person, started, ended in rows.iterator(chunk_size=CHUNK):
        yield (f"{involvement}-{person}", str(user), relationship, _text(team), str(person),
               _day(started.date() if started else None), _day(ended.date() if ended else None), "", "")


def professional_rows(council) -> Iterator[tuple]:
    users = (User.objects.filter(agency__council=council).order_by("pk")
             .annotate(caseload=Count("led_episodes", filter=~Q(led_episodes__status=EpisodeStatus.CLOSED)))
             .values_list("pk", "full_name", "job_title", "caseload", "team__name"))
    for pk, name, title, caseload, team in users.iterator(chunk_size=CHUNK):
        yield (str(pk), "", name, "", "", title or "", caseload, team or "", None)


ROWS = {"ssd_person": person_rows, "ssd_family": family_rows, "ssd_early_help_episodes": early_help_rows,
        "ssd_involvements": involvement_rows, "ssd_professionals": professional_rows}
