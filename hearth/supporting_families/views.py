"""The programme's pages: a family's headline needs, progress and claim (for those who may see the family; recording
for those who may change its record); the programme's page, with the quarterly return (as submitted for the
programme's team, protected by small-number suppression for everyone else) and the National Impact Study share; the
claims list for the council's team to check."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.programme import HEADLINE_NEEDS
from hearth.jobs import selectors as job_selectors
from hearth.reports import access
from hearth.reports.suppression import SUPPRESSED, threshold_for
from hearth.reports.tables import DOWNLOADS, download
from hearth.supporting_families import impact_study, returns, rules, selectors, services, tasks
from hearth.supporting_families.forms import (
    ClaimForm,
    NeedChoiceForm,
    NeedForm,
    ProgressForm,
    QuarterForm,
    RemoveNeedForm,
)
from hearth.web.once import submit_once
from hearth.web.refusals import run_on_form

ACTIVE = "reports"


def family_view(request, family_id: int):
    page = selectors.family_programme(request.user, family_id)
    return render(request, "supporting_families/family.html", {
        **page, "claim_form": ClaimForm(), "title": page["programme_name"]})


def _back(family):
    return redirect("supporting_families:family", family_id=family.pk)


@submit_once
def need_new_view(request, family_id: int):
    """Two steps: which headline need, then what shows it."""
    family = selectors.family_for_form(request.user, family_id)
    need = (request.POST or request.GET).get("need", "")
    if need not in HEADLINE_NEEDS:
        choose = NeedChoiceForm(request.GET if "need" in request.GET else None)
        if choose.is_bound:
            choose.is_valid()
        return render(request, "supporting_families/need_choose.html", {
            "form": choose, "family": family, "title": "Record a headline need"})
    council = family.council
    form = NeedForm(request.POST or None, initial={"need": need}, descriptors=rules.descriptors(council)[need],
                    members=family.current_members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        people = {p.pk: p for p in family.current_members}
        if run_on_form(form, lambda: services.need_record(
                actor=request.user, family=family, need=need, descriptor=data.get("descriptor") or "",
                person=people.get(data.get("person")), evidence=data.get("evidence") or "",
                identified_on=data.get("identified_on"))):
            messages.success(request, f"“{HEADLINE_NEEDS[need]}” has been recorded.")
            return _back(family)
    return render(request, "supporting_families/need_new.html", {
        "form": form, "family": family, "need": need, "need_name": HEADLINE_NEEDS[need],
        "title": f"Record a headline need: {HEADLINE_NEEDS[need]}"})


@submit_once
def need_remove_view(request, family_id: int, need_id: int):
    family = selectors.family_for_form(request.user, family_id)
    need = selectors.need_for_form(request.user, family, need_id)
    form = RemoveNeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and run_on_form(form, lambda: services.need_remove(
            actor=request.user, need=need, reason=form.cleaned_data.get("reason") or "")):
        messages.success(request, f"“{need.get_need_display()}” has been taken off the record.")
        return _back(family)
    return render(request, "supporting_families/need_remove.html", {
        "form": form, "family": family, "need": need, "title": "Take a headline need off the record"})


@submit_once
def progress_new_view(request, family_id: int, need_id: int):
    family = selectors.family_for_form(request.user, family_id)
    need = selectors.need_for_form(request.user, family, need_id)
    form = ProgressForm(request.POST or None, initial={"stage": "sustained" if need.progress_at_closure else
                                                       "closure"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_on_form(form, lambda: services.progress_record(
                actor=request.user, need=need, stage=data.get("stage") or "", made=data.get("made"),
                evidence=data.get("evidence") or "", confirmed_by=data.get("confirmed_by") or "",
                judged_on=data.get("judged_on"))):
            messages.success(request, "The judgement of progress has been recorded.")
            return _back(family)
    return render(request, "supporting_families/progress_new.html", {
        "form": form, "family": family, "need": need,
        "sustained_months": rules.sustained_months(family.council),
        "title": f"Judge progress: {need.get_need_display()}"})


@submit_once
@require_POST
def claim_check_view(request, family_id: int):
    page = selectors.family_programme(request.user, family_id)
    form = ClaimForm(request.POST)
    if form.is_valid() and run_on_form(form, lambda: services.claim_check(
            actor=request.user, family=page["family"], decision=form.cleaned_data.get("decision") or "",
            reason=form.cleaned_data.get("reason") or "")):
        messages.success(request, "Your check of the claim has been recorded.")
        return redirect("supporting_families:claims")
    return render(request, "supporting_families/family.html", {**page, "claim_form": form,
                                                                "title": page["programme_name"]})


def programme_view(request):
    """The programme's page: the quarterly return, and the share for the National Impact Study."""
    access.require_reports(request.user)
    council = request.user.agency.council
    form = QuarterForm(request.GET or None, today=timezone.localdate())
    exact = access.can_drill_down(request.user)
    report = None
    if not form.is_bound or form.is_valid():
        report = returns.quarterly_return(council, form.chosen_quarter(), threshold=threshold_for(council), exact=exact)
        kind = request.GET.get("download")
        if kind in DOWNLOADS:
            trail.record(actor=request.user, action=AuditAction.EXPORT, object_type="supporting_families.return",
                         detail={"report": "quarterly_return", "quarter": report.quarter.code, "exact": exact,
                                 "format": kind})
            notes = [f"{council.name}. Counted at {report.as_at:%H:%M on %-d %B %Y}"]
            if not exact:
                notes.insert(0, f"{SUPPRESSED}: a count from 1 to {threshold_for(council)}, or one that would show "
                                "a count that small by difference")
            return download(kind, report.tables, notes, filename=f"supporting-families-return-{report.quarter.code}")
    may_share = tasks.may_make(request.user, council.pk)
    query = request.GET.copy()
    query.pop("download", None)
    return render(request, "supporting_families/programme.html", {
        "active": ACTIVE, "form": form, "report": report, "council": council, "exact": exact,
        "takes_part": rules.takes_part(council), "programme_name": rules.programme_name(council),
        "threshold": threshold_for(council), "query": query.urlencode(),
        "may_check": selectors.may_check_claims(request.user), "may_share": may_share,
        "left_out": impact_study.left_out(council) if may_share else None,
        "share_fields": impact_study.FIELDS,
        "latest_share": job_selectors.latest_owned(request.user, tasks.about(council.pk)) if may_share else None,
        "title": rules.programme_name(council)})


def claims_view(request):
    found = selectors.claims_list(request.user)
    return render(request, "supporting_families/claims.html", {
        "active": ACTIVE, **found, "title": f"{found['programme_name']}: claims to check"})


@submit_once
@require_POST
def share_start_view(request):
    task_id = tasks.start(request.user)  # refused (403) for anyone but the data protection officer
    return redirect("jobs:job", task_id=task_id)
