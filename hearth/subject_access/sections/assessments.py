"""The family's Early Help assessments, with the subject's own view as a child."""

from django.db.models import Prefetch

from hearth.assessments.models import Assessment, ChildView, Contribution
from hearth.assessments.models import Section as AssessmentSection
from hearth.subject_access.bundle import Builder, Section, SectionSource, Subject, day, who


def _assessments(subject: Subject) -> Section:
    assessments = list(
        Assessment.objects.filter(family_id__in=subject.family_ids)
        .select_related("started_by__agency", "completed_by__agency")
        .prefetch_related(
            Prefetch("sections", queryset=AssessmentSection.objects.select_related("updated_by__agency")
                     .order_by("pk")),
            Prefetch("child_views", queryset=ChildView.objects.filter(child=subject.person)
                     .select_related("updated_by__agency"), to_attr="subject_views"),
            Prefetch("contributions", queryset=Contribution.objects.select_related("author__agency")),
        ).order_by("started_at", "pk"))
    items = []
    for a in assessments:
        group = f"Assessment {a.number}, started {day(a.started_at)}"
        b = Builder(f"assessment:{a.pk}")
        b.add("status", "Status", a.get_status_display()).add("started", "Started by", who(a.started_by))
        b.add("completed", "Completed", f"{day(a.completed_at)} by {who(a.completed_by)}"
              if a.completed_at else "")
        items.append(b.item("The assessment", on=a.started_at, group=group))
        for s in a.sections.all():
            sb = Builder(f"section:{s.pk}")
            sb.add("facts", "Facts", s.facts, long=True).add("opinions", "Views and opinions", s.opinions, long=True)
            if s.updated_by_id:
                sb.add("updated", "Last written by", f"{who(s.updated_by)} on {day(s.updated_at)}")
            items.append(sb.item(s.get_key_display(), group=group))
        for v in a.subject_views:
            vb = Builder(f"childview:{v.pk}")
            vb.add("method", "How it was gathered", v.get_method_display() if v.method else "")
            vb.add("in_their_words", "In their own words", v.in_their_words, long=True)
            vb.add("worker_reflection", "What the practitioner made of it", v.worker_reflection, long=True)
            vb.add("updated", "Written by", who(v.updated_by))
            items.append(vb.item(f"{subject.person.given_name}'s view as a child", on=v.updated_at, group=group))
        for c in a.contributions.all():
            cb = Builder(f"contribution:{c.pk}")
            cb.add("author", "From", f"{c.author.full_name}, {c.agency_name}")
            cb.add("status", "Status", c.get_status_display()).add("submitted_at", "Sent", c.submitted_at)
            cb.add("facts", "Facts", c.facts, long=True).add("opinions", "Views and opinions", c.opinions, long=True)
            items.append(cb.item("A professional view", on=c.submitted_at or c.invited_at, group=group))
    own = (f", {subject.person.given_name}'s own view as a child" if any(a.subject_views for a in assessments)
           else "")
    return Section("assessments", "Early Help assessments", f"The family's assessments: each section{own}, and the "
                   "professional views given.", "No assessment has been recorded.", items, grouped=True)



ASSESSMENTS = SectionSource("assessments", ("assessments.assessment", "assessments.section",
                                            "assessments.childview", "assessments.contribution"), _assessments)
