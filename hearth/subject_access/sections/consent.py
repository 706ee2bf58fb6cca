"""The family's agreement to Early Help, consents to share, lawful bases and decisions not to seek consent."""

from django.db.models import Q

from hearth.consent.models import Agreement, LawfulBasis, NotSoughtDecision, ShareConsent
from hearth.subject_access.bundle import Builder, Section, SectionSource, Subject, day, who


def _own_decision(b: Builder, record) -> None:
    """A young person's decision for themselves: why it counted, who judged it, when, and the practitioner's note."""
    if not record.own_decision:
        return
    b.add("own_decision", "Deciding for themselves", record.get_own_decision_display())
    b.add("own_decision_by", "Judged by", who(record.own_decision_by) if record.own_decision_by_id else "")
    b.add("own_decision_on", "Judged on", record.own_decision_on)
    b.add("own_decision_note", "The practitioner's note", record.own_decision_note, long=True)


def _consent(subject: Subject) -> Section:
    family_ids = subject.family_ids
    agreements = (Agreement.objects.filter(family_id__in=family_ids)
                  .select_related("given_by", "recorded_by__agency", "own_decision_by__agency")
                  .order_by("given_on", "pk"))
    consents = (ShareConsent.objects.filter(Q(person=subject.person) | Q(given_by=subject.person))
                .select_related("person", "given_by", "recorded_by__agency", "own_decision_by__agency")
                .prefetch_related("scopes__agency").order_by("given_on", "pk"))
    bases = (LawfulBasis.objects.filter(family_id__in=family_ids)
             .filter(Q(person__isnull=True) | Q(person=subject.person))
             .select_related("decided_by__agency", "confirmed_by__agency")
             .prefetch_related("agencies").order_by("decided_at", "pk"))
    not_sought = (NotSoughtDecision.objects.filter(family_id__in=family_ids)
                  .select_related("decided_by__agency", "manager__agency").order_by("decided_at", "pk"))
    items = []
    for a in agreements:
        b = Builder(f"agreement:{a.pk}")
        b.add("given_by", "Given by", a.given_by.full_name).add("giver_kind", "As", a.get_giver_kind_display())
        b.add("given_on", "On", a.given_on).add("method", "How", a.get_method_display())
        b.add("form_reference", "Form reference", a.form_reference).add("withdrawn_on", "Withdrawn", a.withdrawn_on)
        b.add("withdrawn_how", "How it was withdrawn", a.withdrawn_how, long=True)
        _own_decision(b, a)
        items.append(b.item("Agreement to receive Early Help", on=a.given_on))
    for c in consents:
        b = Builder(f"shareconsent:{c.pk}")
        b.add("person", "About", c.person.full_name).add("given_by", "Given by", c.given_by.full_name)
        b.add("giver_kind", "As", c.get_giver_kind_display()).add("given_on", "On", c.given_on)
        b.add("method", "How", c.get_method_display())
        purposes = [ShareConsent._meta.get_field(name).verbose_name for name in
                    ("for_assessment_planning", "for_named_partners", "for_council_storage",
                     "for_supporting_families") if getattr(c, name)]
        b.add("purposes", "For", "; ".join(str(p) for p in purposes))
        scopes = list(c.scopes.all())
        b.add("with", "With", "; ".join(s.agency.name if s.agency_id else s.get_agency_kind_display()
                                        for s in scopes if not s.excluded))
        b.add("not_with", "Not with", "; ".join(s.agency.name if s.agency_id else s.get_agency_kind_display()
                                                for s in scopes if s.excluded))
        b.add("research_opt_out", "Opted out of national research linking", "Yes" if c.research_opt_out else "")
        b.add("limits", "Limits", c.limits, long=True).add("review_by", "Review by", c.review_by)
        b.add("withdrawn_on", "Withdrawn", c.withdrawn_on).add("withdrawn_how", "How it was withdrawn",
                                                              c.withdrawn_how, long=True)
        _own_decision(b, c)
        items.append(b.item("Consent to share information", on=c.given_on))
    for basis in bases:
        b = Builder(f"lawfulbasis:{basis.pk}")
        b.add("kind", "Basis", basis.get_kind_display()).add("reason", "Reason", basis.reason, long=True)
        b.add("agencies", "Covers", "Every agency working with the family" if basis.all_agencies
              else "; ".join(a.name for a in basis.agencies.all()))
        b.add("decided", "Decided by", f"{who(basis.decided_by)} on {day(basis.decided_at)}")
        b.add("confirmed", "Confirmed by a manager", f"{who(basis.confirmed_by)} on {day(basis.confirmed_at)}"
              if basis.confirmed_at else "Not yet confirmed")
        b.add("ends_on", "Ends", basis.ends_on)
        items.append(b.item("Sharing without consent: a lawful basis", on=basis.decided_at))
    for n in not_sought:
        b = Builder(f"notsought:{n.pk}")
        b.add("reason", "Reason", n.reason, long=True).add("decided_by", "Decided by", who(n.decided_by))
        b.add("manager", "Manager consulted", who(n.manager) if n.manager_id else n.manager_name)
        b.add("advised_on", "Advice given on", n.advised_on).add("advice", "Their advice", n.advice, long=True)
        items.append(b.item("A decision not to seek consent", on=n.decided_at))
    return Section("consent", "Agreement, consent and lawful bases", "The family's agreement to receive Early Help, "
                   "consents to share information, and the lawful bases for sharing without consent.",
                   "No agreement, consent or lawful basis has been recorded.", items)



CONSENT = SectionSource("consent", ("consent.agreement", "consent.shareconsent", "consent.consentscope",
                                    "consent.lawfulbasis", "consent.notsoughtdecision"), _consent)
