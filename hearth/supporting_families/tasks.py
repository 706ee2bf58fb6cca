"""The National Impact Study share, made in the worker (hearth.jobs) for the data protection officer, who alone may
make it and download it from the job's page, for a day. Making it records each family sent in its information-sharing
register, and an EXPORT in the audit log with what it holds and who was left out, by reason (never a person); each
download records another."""

import tempfile
from pathlib import Path

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hearth.access import governance
from hearth.accounts.models import User
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import NotPermitted
from hearth.core.models import Council
from hearth.jobs import queue
from hearth.reports import extract_files
from hearth.sharing.models import DisclosureKind
from hearth.sharing.services import disclosures_record
from hearth.supporting_families import impact_study, rules

TITLE = "National Impact Study share"
REFUSAL = "Only the council's data protection officer can make the National Impact Study share, which names people."


def may_make(user, council_id: int) -> bool:
    return governance.can_do_governance(user, council_id)


def about(council_id: int) -> str:
    return f"supporting_families:impact_study:{council_id}"


@queue.job("Make the National Impact Study share", retries=2, atomic=False)
def make_share(council_id: int, user_id: int) -> str:
    """Made once: a job run again after it finished keeps the first file and records nothing more."""
    if queue.kept_already():
        return "made already"
    council = Council.objects.get(pk=council_id)
    user = User.objects.select_related("agency").get(pk=user_id)
    if not may_make(user, council_id):
        raise queue.GiveUp("The person who asked for this share may no longer make it.")
    left_out = impact_study.left_out(council)
    made_at = timezone.localtime()
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "share.zip"
        counts = extract_files.write(
            path, impact_study.OBJECTS, impact_study.rows(council),
            about={"dataset": "Supporting Families National Impact Study: identifying details for linking",
                   "recipient": impact_study.RECIPIENT, "lawful_basis": impact_study.BASIS,
                   "council": council.name, "made_at": made_at.isoformat(), "left_out": left_out.as_dict()},
            progress=lambda done, total, stage: queue.report(done, total, stage))
        data = path.read_bytes()
    sent = [(family_id, f"Identifying details of {people} {'person' if people == 1 else 'people'} in the family "
                        "(names, dates of birth, sex, postcode, NHS number), the family's headline needs and "
                        "the dates it joined the programme and its outcomes were claimed")
            for family_id, people in impact_study.families_sent(council)]
    with transaction.atomic():
        disclosures_record(actor=user, kind=DisclosureKind.RESEARCH_SHARE, sent=sent,
                           recipient=impact_study.RECIPIENT, purpose=impact_study.PURPOSE, basis=impact_study.BASIS,
                           object_type="supporting_families.impact_study", object_id=str(council_id))
        trail.record(actor=user, action=AuditAction.EXPORT, object_type="supporting_families.impact_study",
                     object_id=council_id, detail={"extract": "impact_study", "rows": counts, "families": len(sent),
                                                   "left_out": left_out.as_dict()})
    queue.keep_file(data, filename=f"national-impact-study-{council.code}-{made_at:%Y-%m-%d}.zip",
                    content_type="application/zip")
    queue.report(1, 1, "Ready to download")
    return "made"


def start(user) -> str:
    """Queue the share for the data protection officer (refused for anyone else): its page's id."""
    council = user.agency.council
    if not may_make(user, council.pk):
        raise NotPermitted(REFUSAL, object_type="supporting_families.impact_study")
    if not rules.takes_part(council):
        raise NotPermitted("This council does not take part in the Supporting Families programme.",
                           object_type="supporting_families.impact_study")
    return queue.start(make_share, council.pk, user.pk, owner=user, about=about(council.pk), title=TITLE,
                       result_url=reverse("supporting_families:programme"))


def may_download(user, result) -> bool:
    """The share's owner may download it while they may still make it; each download is audited."""
    council_id = int(result.about.rsplit(":", 1)[1])
    if not may_make(user, council_id):
        return False
    trail.record(actor=user, action=AuditAction.EXPORT, object_type="supporting_families.impact_study",
                 object_id=council_id, detail={"extract": "impact_study", "downloaded": True,
                                               "sha256": result.sha256})
    return True
