"""The Early Help Assessment pages: start, read, edit each part, invite professional views, scores, complete,
new version."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hearth.access import policy
from hearth.assessments import selectors, services
from hearth.assessments.forms import (
    FACTS_LABEL,
    OPINIONS_LABEL,
    ChildViewForm,
    ConfirmForm,
    ContributionForm,
    InviteForm,
    SectionForm,
)
from hearth.assessments.models import ContributionStatus, SectionKey
from hearth.core.errors import DomainError, NotPermitted, ValidationFailed
from hearth.outcomes.forms import ScoresForm
from hearth.web.forms import GovDateField, GovForm
from hearth.web.once import submit_once
from hearth.web.refusals import apply_domain_error, refusal_on

# What each section is for (from the Early Help Assessment guidance), shown above its boxes.
SECTION_HINTS = {
    SectionKey.BACKGROUND: "Who is in the family and what has led to this assessment: the concern, the change in "
                           "circumstances or the evidence of difficulties. This section must be completed.",
    SectionKey.PARENTS_VIEW: "What the parents or carers say is going well, what worries them and what they would "
                             "like to change. Ask them to score the outcome areas as you go.",
    SectionKey.STRENGTHS: "What is working well for the family, and what they and the people around them do well.",
    SectionKey.NEEDS: "What needs to change for the children and the family, drawn from the whole assessment.",
    SectionKey.DESIRED_OUTCOMES: "The outcomes the family wants: what will be different, and how everyone will "
                                 "know. These become the family's plan.",
}


def episode_url(episode) -> str:
    """The episode page when the cases app provides it, otherwise the family page."""
    try:
        return reverse("cases:episode", kwargs={"episode_id": episode.pk})
    except NoReverseMatch:
        return reverse("families:family", kwargs={"family_id": episode.family_id})


def _assessment_url(assessment, anchor: str = "") -> str:
    url = reverse("assessments:assessment", kwargs={"assessment_id": assessment.pk})
    return f"{url}#{anchor}" if anchor else url


def _require_writer(user, assessment) -> None:
    if not selectors.can_write_assessment(user, assessment):
        raise NotPermitted("Only practitioners working with the family can change the assessment.",
                           object_type="assessments.assessment", object_id=assessment.pk)


def _rebound(form_class, post, version: int, **kwargs):
    """The user's own text again, with the version now saved, so that saving after merging succeeds."""
    data = post.copy()
    data["version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


def _save_merging(request, form, save) -> tuple[bool, forms.Form, object]:
    """Run `save()`, showing a refusal on the form. When someone else saved the text first (`EditConflict`), the
    user's own text comes back on a form at the version now saved, beside theirs, so that nothing typed is lost.
    Returns whether it saved, the form to show, and the other person's saved version (or None)."""
    with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
        save()
    if isinstance(attempt.error, services.EditConflict):
        theirs = attempt.error.current
        form = _rebound(type(form), request.POST, theirs.version)
        form.add_error(None, attempt.error.message)
        return False, form, theirs
    return attempt.ok, form, None


class _FormGroup:
    """Lets the error summary list the errors of several forms on one page."""

    def __init__(self, *forms_):
        self.forms = forms_

    @property
    def errors(self):
        return any(f.errors for f in self.forms)


# --- start ------------------------------------------------------------------------------------------


@submit_once
def start_view(request, episode_id: int):
    episode = selectors.episode_for_start(request.user, episode_id)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
            assessment = services.assessment_start(actor=request.user, episode=episode)
        if attempt.ok:
            messages.success(request, "The Early Help Assessment has been started.")
            return redirect(_assessment_url(assessment))
    return render(request, "assessments/start.html", {
        "form": form, "episode": episode, "family": episode.family, "episode_url": episode_url(episode),
        "title": "Start the Early Help Assessment"})


# --- the assessment page --------------------------------------------------------------------------


def assessment_view(request, assessment_id: int):
    assessment = selectors.assessment_detail(request.user, assessment_id)
    can_write = selectors.can_write_assessment(request.user, assessment)
    return render(request, "assessments/assessment.html", {
        "assessment": assessment, "family": assessment.family, "council": assessment.family.council,
        "episode": assessment.episode, "episode_url": episode_url(assessment.episode),
        "can_write": can_write, "editable": can_write and not assessment.is_locked,
        "section_keys": SectionKey, "FACTS_LABEL": FACTS_LABEL, "OPINIONS_LABEL": OPINIONS_LABEL,
        "title": f"Early Help Assessment, version {assessment.number}"})


# --- sections ----------------------------------------------------------------------------------------


def section_view(request, assessment_id: int, key: str):
    if key not in SectionKey.values:
        raise Http404
    section = selectors.section_for_edit(request.user, assessment_id, key)
    assessment = section.assessment
    _require_writer(request.user, assessment)
    form = SectionForm(request.POST or None,
                       initial={"facts": section.facts, "opinions": section.opinions, "version": section.version})
    theirs = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, form, theirs = _save_merging(request, form, lambda: services.section_save(
            actor=request.user, section=section, version=data["version"], facts=data["facts"],
            opinions=data["opinions"]))
        if saved:
            messages.success(request, f"'{section.get_key_display()}' has been saved.")
            return redirect(_assessment_url(assessment, f"section-{key}"))
    return render(request, "assessments/section_edit.html", {
        "form": form, "section": section, "assessment": assessment, "theirs": theirs,
        "hint": SECTION_HINTS.get(key, ""), "locked": assessment.is_locked, "locked_message": services.LOCKED_MESSAGE,
        "FACTS_LABEL": FACTS_LABEL, "OPINIONS_LABEL": OPINIONS_LABEL, "title": section.get_key_display()})


# --- children's views --------------------------------------------------------------------------------


def child_view_view(request, assessment_id: int, child_view_id: int):
    view = selectors.child_view_for_edit(request.user, assessment_id, child_view_id)
    assessment = view.assessment
    _require_writer(request.user, assessment)
    form = ChildViewForm(request.POST or None, initial={
        "method": view.method, "in_their_words": view.in_their_words, "worker_reflection": view.worker_reflection,
        "version": view.version})
    theirs = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, form, theirs = _save_merging(request, form, lambda: services.child_view_save(
            actor=request.user, child_view=view, version=data["version"], method=data["method"],
            in_their_words=data["in_their_words"], worker_reflection=data["worker_reflection"]))
        if saved:
            messages.success(request, f"{view.child.full_name}'s view has been saved.")
            return redirect(_assessment_url(assessment, f"child-{view.pk}"))
    return render(request, "assessments/child_view_edit.html", {
        "form": form, "view": view, "assessment": assessment, "theirs": theirs, "locked": assessment.is_locked,
        "locked_message": services.LOCKED_MESSAGE, "title": f"{view.child.full_name}'s view"})


@submit_once
@require_POST
def children_add_missing_view(request, assessment_id: int):
    assessment = selectors.assessment_for_action(request.user, assessment_id)
    try:
        with transaction.atomic():
            added = services.child_views_add_missing(actor=request.user, assessment=assessment)
    except NotPermitted:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{added} child's view added." if added == 1 else f"{added} children's views added.")
    return redirect(_assessment_url(assessment, "children"))


# --- professional views ------------------------------------------------------------------------------


@submit_once
def invite_view(request, assessment_id: int):
    assessment = selectors.assessment_for_action(request.user, assessment_id)
    _require_writer(request.user, assessment)
    council = assessment.family.council
    practitioners = selectors.invitable_practitioners(request.user, assessment)
    form = InviteForm(request.POST or None, practitioners=practitioners, council=council)
    form.fields["invitee"].error_messages["invalid_choice"] = "Choose a practitioner from the list"
    if request.method == "POST" and not assessment.is_locked and form.is_valid():
        data = form.cleaned_data
        invitee = form.practitioners[data["invitee"]]
        with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
            services.contribution_invite(actor=request.user, assessment=assessment, invitee=invitee,
                                         request_note=data["request_note"])
        if attempt.ok:
            messages.success(request, f"{invitee.full_name} ({invitee.agency.name}) has been asked for their view "
                                      "and sent an email.")
            return redirect(_assessment_url(assessment, "professional-views"))
    return render(request, "assessments/invite.html", {
        "form": form, "assessment": assessment, "council": council, "practitioners": practitioners,
        "locked": assessment.is_locked, "locked_message": services.LOCKED_MESSAGE,
        "title": "Ask for a professional view"})


def contribution_view(request, assessment_id: int, contribution_id: int):
    contribution = selectors.contribution_detail(request.user, assessment_id, contribution_id)
    assessment = contribution.assessment
    is_author = contribution.author_id == request.user.pk
    can_edit = is_author and not assessment.is_locked and contribution.status != ContributionStatus.DECLINED
    form = None
    theirs = None
    if can_edit:
        form = ContributionForm(request.POST or None, initial={
            "facts": contribution.facts, "opinions": contribution.opinions, "version": contribution.version})
    elif request.method == "POST":
        raise NotPermitted("Only the practitioner who was asked for this view can write or change it.",
                           object_type="assessments.contribution", object_id=contribution.pk)
    if form is not None and request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        data = form.cleaned_data
        saved, form, theirs = _save_merging(request, form, lambda: services.contribution_save(
            actor=request.user, contribution=contribution, version=data["version"], facts=data["facts"],
            opinions=data["opinions"], submit=submit))
        if saved:
            if submit:
                messages.success(request, "Your professional view has been sent. It is now part of the assessment.")
                if policy.can_view_family(request.user, assessment.family):
                    return redirect(_assessment_url(assessment, "professional-views"))
                # An invited contributor reaches only their own part.
                return redirect("assessments:contribution", assessment_id=assessment.pk,
                                contribution_id=contribution.pk)
            messages.success(request, "Your draft has been saved. It is not part of the assessment until you send it.")
            return redirect("assessments:contribution", assessment_id=assessment.pk, contribution_id=contribution.pk)
    return render(request, "assessments/contribution.html", {
        "form": form, "contribution": contribution, "assessment": assessment, "is_author": is_author,
        "theirs": theirs, "FACTS_LABEL": FACTS_LABEL, "OPINIONS_LABEL": OPINIONS_LABEL,
        "can_see_assessment": policy.can_view_family(request.user, assessment.family),
        "title": "Your professional view" if is_author else f"Professional view from {contribution.agency_name}"})


def contribution_decline_view(request, assessment_id: int, contribution_id: int):
    contribution = selectors.contribution_detail(request.user, assessment_id, contribution_id)
    if contribution.author_id != request.user.pk:
        raise NotPermitted("Only the practitioner who was asked can decline.",
                           object_type="assessments.contribution", object_id=contribution.pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
            services.contribution_decline(actor=request.user, contribution=contribution)
        if attempt.ok:
            messages.success(request, "You have declined to give a view. The practitioner who asked has been told.")
            return redirect(_assessment_url(contribution.assessment))
    return render(request, "assessments/contribution_decline.html", {
        "form": form, "contribution": contribution, "assessment": contribution.assessment,
        "title": "Decline the request for your view"})


# --- outcome scores ------------------------------------------------------------------------------------


class TakenOnForm(GovForm):
    taken_on = GovDateField(label="Date the scores were taken", past_only=True, help_text="For example, 27 3 2026",
                            error_messages={"required": "Enter the date the scores were taken"})


def scores_view(request, assessment_id: int):
    assessment = selectors.assessment_for_action(request.user, assessment_id)
    _require_writer(request.user, assessment)
    council = assessment.family.council
    data = request.POST if request.method == "POST" else None
    date_form = TakenOnForm(data, initial={"taken_on": timezone.localdate()})
    scores_form = ScoresForm(council, data)
    group = _FormGroup(date_form, scores_form)
    if request.method == "POST" and not assessment.is_locked:
        dates_ok, scores_ok = date_form.is_valid(), scores_form.is_valid()
        if dates_ok and scores_ok:
            try:
                with transaction.atomic():
                    services.assessment_scores_record(actor=request.user, assessment=assessment,
                                                      taken_on=date_form.cleaned_data["taken_on"],
                                                      scores=scores_form.scores())
            except NotPermitted:
                raise
            except ValidationFailed as exc:
                for name, message in exc.errors.items():
                    target = date_form if name in date_form.fields else scores_form
                    target.add_error(name if name in target.fields else None, message)
            except DomainError as exc:
                apply_domain_error(scores_form, exc)
            else:
                messages.success(request, "The outcome scores have been recorded.")
                return redirect(_assessment_url(assessment, "outcome-scores"))
    return render(request, "assessments/scores.html", {
        "form": group, "date_form": date_form, "scores_form": scores_form, "assessment": assessment,
        "locked": assessment.is_locked, "locked_message": services.LOCKED_MESSAGE,
        "title": "Outcome scores for the assessment"})


# --- complete and new version ------------------------------------------------------------------------


def complete_view(request, assessment_id: int):
    assessment = selectors.assessment_for_action(request.user, assessment_id)
    _require_writer(request.user, assessment)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
            services.assessment_complete(actor=request.user, assessment=assessment)
        if attempt.ok:
            messages.success(request, "The assessment has been completed. It can no longer be changed; start a new "
                                      "version if things change.")
            return redirect(_assessment_url(assessment))
    problems = {} if assessment.is_locked else services.completion_problems(assessment)
    awaited = assessment.contributions.filter(status=ContributionStatus.INVITED).count()
    return render(request, "assessments/complete.html", {
        "form": form, "assessment": assessment, "problems": problems, "awaited": awaited,
        "title": "Complete the assessment"})


@submit_once
def new_version_view(request, assessment_id: int):
    assessment = selectors.assessment_for_action(request.user, assessment_id)
    _require_writer(request.user, assessment)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
            new = services.assessment_new_version(actor=request.user, assessment=assessment)
        if attempt.ok:
            messages.success(request, f"Version {new.number} has been started from version {assessment.number}. "
                                      f"Version {assessment.number} stays as it was.")
            return redirect(_assessment_url(new))
    return render(request, "assessments/new_version.html", {
        "form": form, "assessment": assessment, "title": "Start a new version of the assessment"})
