"""Episode pages: start, the episode record, level, lead professional and handover, closure; notes and chronology."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from hearth.access import policy
from hearth.cases import journey, notes, panels, selectors, services
from hearth.cases.forms import (
    CloseForm,
    EpisodeStartForm,
    LeadForm,
    LevelForm,
    NoteCorrectForm,
    NoteForm,
    NoteWithdrawForm,
    TransitionForm,
)
from hearth.cases.models import EpisodeOrigin, Handover
from hearth.core.errors import NotPermitted
from hearth.families import selectors as people_selectors
from hearth.web.once import submit_once
from hearth.web.refusals import refusal_on

# Transitions a user may make directly from the episode page; the others follow from other actions
# (a TAF meeting agreeing the plan, a step-up referral, MASH's decision).
MANUAL_TRANSITIONS = ("social_work_concluded",)


@submit_once
def episode_start_view(request, family_id: int):
    family = people_selectors.family_detail(request.user, family_id)
    existing = services.open_episode_for(family)
    form = EpisodeStartForm(family.council, request.POST or None, initial={"lead": request.user.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on(form) as attempt:
            episode = services.episode_open(
                actor=request.user, family=family, reason=data["reason"], level=data["level"],
                level_reasons=data["level_reasons"], lead=data["lead"], origin=EpisodeOrigin.PRACTITIONER)
        if attempt.ok:
            messages.success(request, "Early Help has started for this family.")
            return redirect("cases:episode", episode_id=episode.pk)
    return render(request, "cases/episode_start.html", {
        "form": form, "family": family, "existing": existing, "council": family.council,
        "title": f"Start Early Help for {family.name}"})


def episode_view(request, episode_id: int):
    episode = selectors.episode_detail(request.user, episode_id)
    council = episode.family.council
    return render(request, "cases/episode.html", {
        "episode": episode, "family": episode.family, "council": council,
        "panels": panels.episode_page.panels(request.user, episode).get("journey", []),
        "can_manage": policy.can_manage_episode(request.user, episode),
        "manual_transitions": [t for t in services.allowed_transitions(episode) if t.name in MANUAL_TRANSITIONS],
        "planned_handover": episode.planned_handover,
        "first_steps": journey.steps_before_closing(episode) if episode.is_open else [],
        "title": f"Early Help for {episode.family.name}"})


def episode_level_view(request, episode_id: int):
    episode = selectors.episode_for_update(request.user, episode_id)
    council = episode.family.council
    form = LevelForm(council, request.POST or None, initial={"version": episode.version, "level": episode.level})
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            if form.cleaned_data["version"] != episode.version:
                raise services.Conflict("Someone else changed this episode while you were working on it. "
                                        "Check the current level and try again.")
            services.episode_change_level(actor=request.user, episode=episode, level=form.cleaned_data["level"],
                                          reasons=form.cleaned_data["reasons"])
        if attempt.ok:
            messages.success(request, "The level of need has been updated.")
            return redirect("cases:episode", episode_id=episode.pk)
    return render(request, "cases/episode_level.html", {
        "form": form, "episode": episode, "council": council, "title": "Change the level of need"})


def episode_lead_view(request, episode_id: int):
    episode = selectors.episode_for_update(request.user, episode_id)
    council = episode.family.council
    form = LeadForm(council, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on(form) as attempt:
            if data["planned_for"]:
                services.handover_plan(actor=request.user, episode=episode, to_user=data["user"],
                                       planned_for=data["planned_for"], notes=data["notes"])
                done = "The handover has been planned."
            else:
                services.episode_assign_lead(actor=request.user, episode=episode, user=data["user"],
                                             note=data["notes"])
                done = f"{data['user'].full_name} is now the lead professional."
        if attempt.ok:
            messages.success(request, done)
            return redirect("cases:episode", episode_id=episode.pk)
    return render(request, "cases/episode_lead.html", {
        "form": form, "episode": episode, "council": council, "title": "Change the lead professional"})


def handover_view(request, handover_id: int, action: str):
    handover = Handover.objects.select_related("episode").filter(pk=handover_id).first()
    if handover is None or request.method != "POST":
        raise Http404
    selectors.episode_for_update(request.user, handover.episode_id)  # access check
    if action == "complete":
        services.handover_complete(actor=request.user, handover=handover)
        messages.success(request, "The handover is complete.")
    elif action == "cancel":
        services.handover_cancel(actor=request.user, handover=handover)
        messages.success(request, "The handover has been cancelled.")
    else:
        raise Http404
    return redirect("cases:episode", episode_id=handover.episode_id)


def episode_transition_view(request, episode_id: int, name: str):
    if name not in MANUAL_TRANSITIONS:
        raise Http404
    episode = selectors.episode_for_update(request.user, episode_id)
    transition = services.TRANSITIONS[name]
    form = TransitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
            services.episode_transition(actor=request.user, episode=episode, transition=name,
                                        note=form.cleaned_data["note"])
        if attempt.ok:
            messages.success(request, "The episode's status has been updated.")
            return redirect("cases:episode", episode_id=episode.pk)
    return render(request, "cases/episode_transition.html", {
        "episode": episode, "transition": transition, "form": form, "council": episode.family.council,
        "title": transition.label})


def episode_close_view(request, episode_id: int):
    episode = selectors.episode_for_update(request.user, episode_id)
    council = episode.family.council
    form = CloseForm(council, request.POST or None, initial={"version": episode.version})
    open_actions = journey.open_items(episode)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        closure = services.Closure(
            reason=data["reason"], family_comments=data["family_comments"],
            evaluation_rating=data["evaluation_rating"], evaluation=data["evaluation"], detail=data["detail"],
            new_area=data["new_area"], new_area_consent=data["new_area_consent"],
            open_actions=data["open_actions"], closed_on=data["closed_on"])
        with refusal_on(form) as attempt:
            if data["version"] != episode.version:
                raise services.Conflict("Someone else changed this episode while you were working on it. "
                                        "Check the episode and try again.")
            services.episode_close(actor=request.user, episode=episode, closure=closure)
        if attempt.ok:
            messages.success(request, "Early Help has been closed for this family. The Early Help team has been told.")
            return redirect("cases:episode", episode_id=episode.pk)
    return render(request, "cases/episode_close.html", {
        "form": form, "episode": episode, "council": council, "open_actions": open_actions,
        "first_steps": journey.steps_before_closing(episode), "title": "Close Early Help"})


@submit_once
def notes_view(request, family_id: int):
    family = people_selectors.family_detail(request.user, family_id)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on(form) as attempt:
            notes.note_add(actor=request.user, family=family, note_type=data["note_type"],
                              occurred_on=data["occurred_on"], summary=data["summary"], body=data["body"],
                              significant=data["significant"])
        if attempt.ok:
            messages.success(request, "The note has been added.")
            return redirect("cases:notes", family_id=family.pk)
    listed = selectors.family_notes_with_history(request.user, family)
    for n in listed["notes"]:
        n.may_correct = notes.may_correct_note(request.user, n)
    return render(request, "cases/notes.html", {
        "form": form, "family": family, "notes": listed["notes"], "withdrawn": listed["withdrawn"],
        "council": family.council, "title": f"Case notes: {family.name}"})


def note_edit_view(request, note_id: int):
    note = selectors.note_for_update(request.user, note_id)
    form = NoteCorrectForm(request.POST or None, initial={
        "version": note.version, "note_type": note.note_type, "occurred_on": note.occurred_on,
        "summary": note.summary, "body": note.body, "significant": note.significant})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
            notes.note_update(actor=request.user, note=note, version=data["version"] or 0,
                                 summary=data["summary"], body=data["body"], significant=data["significant"],
                                 note_type=data["note_type"], occurred_on=data["occurred_on"],
                                 reason=data["reason"])
        if attempt.ok:
            messages.success(request, "The note has been corrected. Its earlier wording is kept with it.")
            return redirect("cases:notes", family_id=note.family_id)
    return render(request, "cases/note_edit.html", {"form": form, "note": note, "family": note.family,
                                                    "may": notes.may_correct_note(request.user, note),
                                                    "title": "Correct a case note"})


@submit_once
def note_withdraw_view(request, note_id: int):
    note = selectors.note_for_update(request.user, note_id)
    policy.require_edit_family(request.user, note.family)
    form = NoteWithdrawForm(request.POST or None, initial={"version": note.version})
    if request.method == "POST" and form.is_valid():
        with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
            notes.note_withdraw(actor=request.user, note=note, version=form.cleaned_data["version"],
                                reason=form.cleaned_data["reason"])
        if attempt.ok:
            messages.success(request, "The note has been withdrawn. It is kept, marked as withdrawn.")
            return redirect("cases:notes", family_id=note.family_id)
    return render(request, "cases/note_withdraw.html", {"form": form, "note": note, "family": note.family,
                                                        "may": notes.may_correct_note(request.user, note),
                                                        "title": "Withdraw a case note"})


def chronology_view(request, family_id: int):
    family = people_selectors.family_detail(request.user, family_id)
    return render(request, "cases/chronology.html", {
        "family": family, "entries": selectors.chronology(request.user, family), "council": family.council,
        "title": f"Chronology: {family.name}"})
