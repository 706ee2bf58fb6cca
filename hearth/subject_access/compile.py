"""Compiling everything held about the subject of an access request into a bundle of sections.

`compile_bundle(sar)` reads, in a fixed number of queries whatever the length of the history, every record the
register of personal data (`hearth.core.personal_data`) places in a subject access section: the person's details,
names and addresses; the families they belong to; each episode with its level, lead and status history; the
assessments (sections, the subject's own view as a child, professional views); plans, actions, meetings and
reviews; outcome scores; case notes; agreements, consents and lawful bases; requests for support and referrals;
the information-sharing register entries about them or their families; and who has looked at or changed the record
(the audit log), in plain English. Each section is built in its own module of `hearth.subject_access.sections`; a
system check (and a test) fails when a section and the register disagree about what it shows.

This module does not check access or write the audit log: `selectors.workbench` and `services.sar_release` do.
"""

import json
from collections.abc import Callable

from django.core import checks
from django.db.models import Prefetch
from django.utils import timezone

from hearth.core import personal_data
from hearth.people.models import Address, FamilyMember, Person, PersonName
from hearth.subject_access.bundle import Bundle, Section, SectionSource, Subject, withheld_statement
from hearth.subject_access.models import Withholding
from hearth.subject_access.sections import (
    access,
    assessments,
    consent,
    episodes,
    people,
    plans,
    referrals,
    supporting_families,
)
from hearth.web.pdf import render_pdf

# The sections, in the order the bundle shows them.
SECTIONS: list[SectionSource] = [
    people.PERSON, people.FAMILIES, episodes.EPISODES, assessments.ASSESSMENTS, plans.PLANS, plans.OUTCOMES,
    episodes.NOTES, consent.CONSENT, supporting_families.PROGRAMME, referrals.REFERRALS, referrals.SHARING,
    access.ACCESS,
]


def sections_match_register() -> list[str]:
    """Where the sections and the register of personal data disagree (none, when all is well): each section shows
    exactly the records the register places in it, and every record the register places in a section has one."""
    problems = []
    known = {s.key for s in SECTIONS}
    for record in personal_data.records():
        if record.sar_section and record.sar_section not in known:
            problems.append(f"{record.model} is declared in the subject access section {record.sar_section!r}, "
                            "which does not exist")
    for section in SECTIONS:
        declared = {r.model for r in personal_data.in_section(section.key)}
        if declared != set(section.covers):
            problems.append(f"The subject access section {section.key!r} shows {sorted(section.covers)}, but the "
                            f"register places {sorted(declared)} in it")
    return problems


@checks.register()
def subject_access_matches_the_register(app_configs=None, **kwargs):
    return [checks.Error(problem, id="hearth.E003") for problem in sections_match_register()]


def _subject(sar) -> Subject:
    person = (Person.objects.select_related("created_by__agency")
              .prefetch_related(Prefetch("names", queryset=PersonName.objects.order_by("pk")),
                                Prefetch("addresses", queryset=Address.objects.order_by("from_date", "pk")))
              .get(pk=sar.subject_id))
    memberships = list(FamilyMember.objects.filter(person=person).select_related("family__locality")
                       .order_by("family__name", "pk"))
    return Subject(sar=sar, council=sar.council, person=person, memberships=memberships)


def _apply(sections: list[Section], withholdings: list[Withholding]) -> None:
    by_key = {w.item_key: w for w in withholdings}
    if not by_key:
        return
    for section in sections:
        for item in section.items:
            item.withheld = by_key.get(item.key)
            for f in item.fields:
                f.withheld = by_key.get(f.key)


def compile_bundle(sar, *, withholdings: list[Withholding] | None = None,
                   progress: Callable[[int, str], None] | None = None) -> Bundle:
    """Everything held about the request's subject, with each withheld item and field marked (not yet removed:
    see `Bundle.for_release`). A fixed number of queries, whatever the size of the history. `progress(done, title)`
    is told as each section is built."""
    compiled_at = timezone.now()
    subject = _subject(sar)
    if withholdings is None:
        withholdings = list(Withholding.objects.filter(sar=sar).select_related("withheld_by"))
    sections = []
    for source in SECTIONS:
        sections.append(source.build(subject))
        if progress is not None:
            progress(len(sections), sections[-1].title)
    _apply(sections, withholdings)
    return Bundle(sar=sar, subject=subject.person, council=sar.council, compiled_at=compiled_at, sections=sections,
                  withholdings=withholdings, family_ids=subject.family_ids)


# ---------------------------------------------------------------------------------------------------------
# The released documents


def pdf_title(bundle: Bundle) -> str:
    return f"Information held about {bundle.subject.full_name} (subject access request {bundle.sar.reference})"


def bundle_pdf(bundle: Bundle, *, printed_by=None) -> bytes:
    """The accessible, tagged PDF of a bundle made for release."""
    if not bundle.released:
        raise ValueError("Only a bundle made for release (for_release) is printed")
    context = {"bundle": bundle, "sar": bundle.sar, "subject": bundle.subject, "council": bundle.council,
               "printed_on": timezone.localdate(bundle.compiled_at), "printed_by": printed_by,
               "withheld_statement": withheld_statement(bundle) if bundle.withholdings else ""}
    return render_pdf("subject_access/bundle_pdf.html", context, title=pdf_title(bundle))


def bundle_json(bundle: Bundle) -> str:
    """The machine-readable export of a bundle made for release (UTF-8 JSON)."""
    return json.dumps(bundle.as_json(), ensure_ascii=False, indent=1)
