"""The consent page and its forms: agreement to Early Help, consent to share, withdrawals, lawful bases (with a
manager's confirmation), decisions not to seek consent and research opt-outs."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hearth.consent import selectors, services
from hearth.consent.forms import (
    AgreementForm,
    FamilyConsentForm,
    LawfulBasisForm,
    NotSoughtForm,
    ResearchOptOutForm,
    WithdrawForm,
    one_year_on,
)
from hearth.core.errors import DomainError, NotPermitted
from hearth.web.once import submit_once
from hearth.web.refusals import refusal_on


def family_consent_view(request, family_id: int):
    data = selectors.family_consent(request.user, family_id)
    return render(request, "consent/family.html", {
        **data, "title": f"Consent and information sharing: {data['family'].name}"})


def _person(family, person_id):
    return next((m.person for m in family.current_members if m.person.pk == person_id), None)


def _giving(form, family) -> dict:
    data = form.cleaned_data
    return {"given_by": _person(family, data.get("given_by")), "giver_kind": data.get("giver_kind") or "",
            "given_on": data.get("given_on"), "method": data.get("method") or "",
            "form_reference": data.get("form_reference") or ""}


def _own(form) -> dict:
    data = form.cleaned_data
    return {"competence_judged": bool(data.get("competence_judged")),
            "own_decision_note": data.get("own_decision_note") or ""}


def _save(request, form, family, write, success: str):
    """Run the service (`refusal_on`); on a refusal it is on the form and nothing is half-saved."""
    with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
        write()
    if not attempt.ok:
        return None
    messages.success(request, success)
    return redirect("consent:family", family_id=family.pk)


@submit_once
def agreement_new_view(request, family_id: int):
    family = selectors.family_for_consent_form(request.user, family_id)
    form = AgreementForm(request.POST or None, members=family.current_members)
    if request.method == "POST" and form.is_valid():
        done = _save(request, form, family, lambda: services.agreement_record(
            actor=request.user, family=family, **_giving(form, family), **_own(form)),
            "The family's agreement to Early Help has been recorded.")
        if done:
            return done
    return render(request, "consent/agreement_new.html", {
        "form": form, "family": family, "title": "Record the family's agreement to Early Help"})


def _purpose_choices(council) -> list[tuple[str, str]]:
    choices = [("for_assessment_planning", "Assessment and planning"),
               ("for_named_partners", "Sharing with the partners named below")]
    if selectors.asks(council, "storage_on_council_systems"):
        choices.append(("for_council_storage", f"Storage on {council.name}'s systems"))
    if selectors.asks(council, "supporting_families"):
        choices.append(("for_supporting_families",
                        f"The national {selectors.programme_name(council)} programme"))
    return choices


def _givings(form, family) -> list[services.PersonGiving]:
    """Each chosen member's giving: an adult gives their own; for a child, who the form says gave it."""
    data = form.cleaned_data
    children = {m.person.pk for m in form.children}
    givings = []
    for pk in form.chosen_people():
        person = _person(family, pk)
        if pk not in children:
            givings.append(services.PersonGiving(person=person, given_by=person))
            continue
        givings.append(services.PersonGiving(
            person=person, given_by=_person(family, data.get(f"given_by_{pk}")),
            competence_judged=bool(data.get(f"competence_judged_{pk}")),
            own_decision_note=data.get(f"own_decision_note_{pk}") or ""))
    return givings


@submit_once
def share_consent_new_view(request, family_id: int):
    """Consent to share for several family members in one pass: one record per person."""
    family = selectors.family_for_consent_form(request.user, family_id)
    council = family.council
    agencies = selectors.council_agencies(council)
    team = selectors.team_agencies(family)
    by_pk = {str(a.pk): a for a in agencies}
    form = FamilyConsentForm(request.POST or None, members=selectors.members_for_form(family), agencies=agencies,
                             team=team, purposes=_purpose_choices(council),
                             ask_research=selectors.asks(council, "research_opt_out"),
                             initial={"review_by": one_year_on(timezone.localdate())})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [by_pk[pk] for pk in data["agencies"]]
        if data.get("team"):
            chosen += [a for a in team if a not in chosen]
        count = len(form.chosen_people())
        done = _save(request, form, family, lambda: services.share_consents_record(
            actor=request.user, family=family, people=_givings(form, family),
            given_on=data.get("given_on"), method=data.get("method") or "",
            form_reference=data.get("form_reference") or "", purposes=set(data["purposes"]),
            research_opt_outs={int(pk) for pk in data.get("research_opt_outs") or []},
            agencies=chosen, agency_kinds=list(data["agency_kinds"]),
            excluded_agencies=[by_pk[pk] for pk in data["excluded_agencies"]],
            excluded_kinds=list(data["excluded_kinds"]), limits=data.get("limits") or "",
            review_by=data.get("review_by")),
            "The consent to share has been recorded." if count == 1
            else f"The consent to share has been recorded for {count} people.")
        if done:
            return done
    return render(request, "consent/share_new.html", {
        "form": form, "family": family, "council": council, "title": "Record consent to share information"})


@submit_once
def research_opt_out_new_view(request, family_id: int):
    family = selectors.family_for_consent_form(request.user, family_id)
    form = ResearchOptOutForm(request.POST or None, members=family.current_members)
    if request.method == "POST" and form.is_valid():
        done = _save(request, form, family, lambda: services.research_opt_out_record(
            actor=request.user, family=family, person=_person(family, form.cleaned_data.get("person")),
            **_giving(form, family)),
            "The opt-out from national research linking has been recorded.")
        if done:
            return done
    return render(request, "consent/research_opt_out_new.html", {
        "form": form, "family": family, "title": "Record an opt-out from national research linking"})


def _withdraw(request, family, record, write, *, template: str, title: str, success: str):
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _save(request, form, family, lambda: write(withdrawn_on=data.get("withdrawn_on"),
                                                          how=data.get("withdrawn_how") or ""), success)
        if done:
            return done
    return render(request, template, {"form": form, "family": family, "record": record, "title": title,
                                      "withdrawal_contact": selectors.withdrawal_contact(family.council)})


def agreement_withdraw_view(request, family_id: int, agreement_id: int):
    family = selectors.family_for_consent_form(request.user, family_id)
    agreement = selectors.agreement_for_action(request.user, family, agreement_id)
    return _withdraw(
        request, family, agreement,
        lambda **kw: services.agreement_withdraw(actor=request.user, agreement=agreement, **kw),
        template="consent/agreement_withdraw.html", title="Record that the family withdrew their agreement",
        success="The withdrawal of the family's agreement to Early Help has been recorded.")


def share_consent_withdraw_view(request, family_id: int, consent_id: int):
    family = selectors.family_for_consent_form(request.user, family_id)
    consent = selectors.share_consent_for_action(request.user, family, consent_id)
    return _withdraw(
        request, family, consent,
        lambda **kw: services.share_consent_withdraw(actor=request.user, consent=consent, **kw),
        template="consent/share_withdraw.html", title="Record that consent to share was withdrawn",
        success="The withdrawal of consent has been recorded. Agencies it covered no longer see the family's "
                "record unless something else covers them.")


@submit_once
def lawful_basis_new_view(request, family_id: int):
    family = selectors.family_for_consent_form(request.user, family_id)
    agencies = selectors.council_agencies(family.council)
    by_pk = {str(a.pk): a for a in agencies}
    form = LawfulBasisForm(request.POST or None, members=family.current_members, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _save(request, form, family, lambda: services.lawful_basis_record(
            actor=request.user, family=family, kind=data.get("kind") or "", reason=data.get("reason") or "",
            agencies=[] if data.get("scope") == "all" else [by_pk[pk] for pk in data["agencies"]],
            all_agencies=data.get("scope") == "all", person=_person(family, data.get("person")),
            ends_on=data.get("ends_on")),
            "The lawful basis has been recorded. It takes effect when a manager confirms it.")
        if done:
            return done
    return render(request, "consent/basis_new.html", {
        "form": form, "family": family, "title": "Record a lawful basis for sharing without consent"})


@require_POST
def lawful_basis_confirm_view(request, family_id: int, basis_id: int):
    family = selectors.family_for_consent_form(request.user, family_id)
    basis = selectors.basis_for_action(request.user, family, basis_id)
    try:
        with transaction.atomic():
            services.lawful_basis_confirm(actor=request.user, basis=basis)
    except NotPermitted:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "You have confirmed the lawful basis. It now covers the agencies it names.")
    return redirect("consent:family", family_id=family.pk)


@submit_once
def not_sought_new_view(request, family_id: int):
    family = selectors.family_for_consent_form(request.user, family_id)
    managers = [m for m in selectors.council_managers(family.council) if m.pk != request.user.pk]
    form = NotSoughtForm(request.POST or None, managers=managers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        manager = next((m for m in managers if m.pk == data.get("manager")), None)
        done = _save(request, form, family, lambda: services.not_sought_record(
            actor=request.user, family=family, reason=data.get("reason") or "", manager=manager,
            manager_name=data.get("manager_name") or "", advised_on=data.get("advised_on"),
            advice=data.get("advice") or ""),
            "The decision not to seek consent has been recorded.")
        if done:
            return done
    return render(request, "consent/not_sought_new.html", {
        "form": form, "family": family, "needs_advice": services.needs_manager_advice(family.council),
        "title": "Record a decision not to seek consent"})
