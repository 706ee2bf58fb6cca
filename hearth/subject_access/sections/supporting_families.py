"""The Supporting Families programme: the family's headline needs with their evidence, the judgements of progress,
and the council's check of the claim."""

from hearth.core.programme import HEADLINE_NEEDS
from hearth.subject_access.bundle import Builder, Section, SectionSource, Subject, who
from hearth.supporting_families.models import Claim, Need, Progress


def _programme(subject: Subject) -> Section:
    family_ids = subject.family_ids
    needs = list(Need.objects.filter(family_id__in=family_ids).select_related("person", "recorded_by__agency")
                 .order_by("identified_on", "pk"))
    progress = (Progress.objects.filter(need__family_id__in=family_ids).select_related("need", "recorded_by__agency")
                .order_by("judged_on", "pk"))
    claims = Claim.objects.filter(family_id__in=family_ids).select_related("checked_by__agency").order_by("checked_on")
    items = []
    for n in needs:
        b = Builder(f"programmeneed:{n.pk}")
        b.add("need", "Headline need", HEADLINE_NEEDS[n.need]).add("descriptor", "Descriptor", n.descriptor)
        b.add("person", "About", n.person.full_name if n.person_id else "The whole family")
        b.add("evidence", "Evidence", n.evidence, long=True).add("identified_on", "Identified", n.identified_on)
        b.add("recorded_by", "Recorded by", who(n.recorded_by) if n.recorded_by_id else "")
        b.add("removed_on", "Taken off the record", n.removed_on).add("removed_reason", "Why", n.removed_reason,
                                                                       long=True)
        items.append(b.item("A Supporting Families headline need", on=n.identified_on))
    for p in progress:
        b = Builder(f"programmeprogress:{p.pk}")
        b.add("need", "Headline need", HEADLINE_NEEDS[p.need.need]).add("stage", "Judged", p.get_stage_display())
        b.add("made", "Significant and sustained progress", "Yes" if p.made else "No")
        b.add("evidence", "Evidence", p.evidence, long=True).add("confirmed_by", "Confirmed by", p.confirmed_by)
        b.add("recorded_by", "Recorded by", who(p.recorded_by) if p.recorded_by_id else "")
        items.append(b.item("A judgement of progress", on=p.judged_on))
    for c in claims:
        b = Builder(f"programmeclaim:{c.pk}")
        b.add("decision", "The council's check", c.get_decision_display()).add("reason", "Why", c.reason, long=True)
        b.add("needs", "Needs it covers", "; ".join(HEADLINE_NEEDS.get(n, n) for n in c.needs))
        b.add("checked_by", "Checked by", who(c.checked_by) if c.checked_by_id else "")
        items.append(b.item("A Supporting Families claim", on=c.checked_on))
    return Section("supporting_families", "Supporting Families", "The national programme's headline needs recorded "
                   "for the family, with their evidence, the judgements of the family's progress, and the council's "
                   "check of its claim.", "Nothing has been recorded for the Supporting Families programme.", items)


PROGRAMME = SectionSource("supporting_families", ("supporting_families.need", "supporting_families.progress",
                                                  "supporting_families.claim"), _programme)
