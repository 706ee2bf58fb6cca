"""Pages: the SMART plan, reviews and the due-work list. The Team Around the Family meetings' pages are in
`meeting_views.py`."""

import functools

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from hearth.access import policy
from hearth.accounts.models import Agency
from hearth.cases import review_dates
from hearth.core.errors import NotPermitted
from hearth.outcomes.forms import ScoresForm
from hearth.people.models import Person
from hearth.plans import corrections, pages, reviews, selectors, services
from hearth.plans.forms import (
    ActionCorrectForm,
    ActionForm,
    ActionStatusForm,
    OutcomeCorrectForm,
    OutcomeForm,
    OutcomesFinalForm,
    ReviewForm,
    WithdrawForm,
)
from hearth.plans.models import ReviewDecision
from hearth.web.forms import record_number
from hearth.web.once import submit_once
from hearth.web.refusals import refusal_on


class _FormGroup:
    """Lets the error summary (and the page title) cover several forms on one page."""

    def __init__(self, *forms):
        self.forms = forms

    @property
    def errors(self):
        return any(f.errors for f in self.forms)


# --- the plan ------------------------------------------------------------------------------------------------


def plan_view(request, episode_id: int):
    episode = selectors.episode_for_plan(request.user, episode_id)
    plan = selectors.plan_detail(request.user, episode)
    return render(request, "plans/plan.html", pages.context(
        episode, plan=plan, can_edit=episode.is_open and policy.can_edit_family(request.user, episode.family),
        title=f"The plan for {episode.family.name}"))


def _back_to(request, episode):
    meeting_id = record_number(request.GET.get("meeting") or request.POST.get("meeting_id"))
    if meeting_id:
        return redirect("plans:meeting", meeting_id=meeting_id)
    return redirect("plans:plan", episode_id=episode.pk)


def _linked_meeting(request, episode):
    meeting_id = record_number(request.GET.get("meeting"))
    if meeting_id is not None:
        return episode.meetings.filter(pk=meeting_id).first()
    return None


@submit_once
def outcome_new_view(request, episode_id: int):
    episode = selectors.episode_for_plan(request.user, episode_id)
    policy.require_edit_family(request.user, episode.family)
    if request.method != "POST" and not episode.is_open:
        return pages.closed(request, episode, "Add an outcome to the plan")
    form = OutcomeForm(episode.family.council, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            services.outcome_add(actor=request.user, episode=episode,
                                 description=form.cleaned_data["description"], area=form.cleaned_data["area"],
                                 meeting=_linked_meeting(request, episode))
        if attempt.ok:
            messages.success(request, "The outcome has been added to the plan.")
            return _back_to(request, episode)
    return render(request, "plans/outcome_new.html", pages.context(
        episode, form=form, title="Add an outcome to the plan"))


@submit_once
def action_new_view(request, episode_id: int):
    episode = selectors.episode_for_plan(request.user, episode_id)
    policy.require_edit_family(request.user, episode.family)
    if request.method != "POST" and not episode.is_open:
        return pages.closed(request, episode, "Add an action to the plan")
    choices = selectors.owner_choices(request.user, episode)
    form = ActionForm(request.POST or None, choices=choices, initial={"outcome": request.GET.get("outcome")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        users = {u.pk: u for u in choices["practitioners"]}
        agencies: dict[int, Agency] = {a.pk: a for a in choices["agencies"]}
        people: dict[int, Person] = {m.person_id: m.person for m in choices["members"]}
        outcomes = {o.pk: o for o in choices["outcomes"]}
        with refusal_on(form, rename={"owner": "owner_user"}) as attempt:
            services.action_add(
                actor=request.user, episode=episode, what=data["what"], due_on=data["due_on"],
                owner_user=users.get(data["owner_user"]), owner_agency=agencies.get(data["owner_agency"]),
                owner_person=people.get(data["owner_person"]), outcome=outcomes.get(data["outcome"]),
                meeting=_linked_meeting(request, episode))
        if attempt.ok:
            messages.success(request, "The action has been added to the plan.")
            return _back_to(request, episode)
    return render(request, "plans/action_new.html", pages.context(
        episode, form=form, title="Add an action to the plan"))


def action_status_view(request, action_id: int):
    action = selectors.action_for_update(request.user, action_id)
    episode = action.episode
    policy.require_edit_family(request.user, episode.family)
    if request.method != "POST" and not episode.is_open:
        return pages.closed(request, episode, "Update an action")
    form = ActionStatusForm(request.POST or None, initial={"status": action.status, "note": action.status_note,
                                                           "version": action.version})
    may = services.may_update_action(request.user, action)
    if request.method != "POST" and not may:
        return render(request, "plans/action_not_yours.html", pages.context(
            episode, action=action, refusal=services.ACTION_UPDATE_REFUSED, title="Update an action"))
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:  # who may update it: the refusal is shown on the form
            services.action_update_status(actor=request.user, action=action, version=form.cleaned_data["version"],
                                          status=form.cleaned_data["status"], note=form.cleaned_data["note"])
        if attempt.ok:
            messages.success(request, "The action has been updated.")
            return redirect("plans:plan", episode_id=episode.pk)
    return render(request, "plans/action_status.html", pages.context(
        episode, action=action, form=form, title="Update an action"))


def _version(form) -> int:
    return form.cleaned_data["version"] or 0


@submit_once
def outcome_edit_view(request, outcome_id: int):
    outcome = selectors.outcome_for_update(request.user, outcome_id)
    episode = outcome.episode
    policy.require_edit_family(request.user, episode.family)
    if request.method != "POST" and not episode.is_open:
        return pages.closed(request, episode, "Change an outcome")
    council = episode.family.council
    form = OutcomeCorrectForm(council, request.POST or None, initial={
        "description": outcome.description, "area": outcome.area, "status": outcome.status,
        "version": outcome.version})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
            corrections.outcome_correct(actor=request.user, outcome=outcome, version=_version(form),
                                        description=d["description"], area=d["area"], status=d["status"],
                                        reason=d["reason"])
        if attempt.ok:
            messages.success(request, "The outcome has been changed.")
            return redirect(reverse("plans:plan", args=[episode.pk]) + f"#outcome-{outcome.pk}")
    return render(request, "plans/outcome_edit.html", pages.context(
        episode, form=form, outcome=outcome,
        may=corrections.may_correct(request.user, episode, outcome.created_by_id), title="Change an outcome"))


def _withdraw_page(request, item, *, what: str, label: str, withdraw):
    """The page that withdraws one item of the plan (an outcome, an action) with a reason, through `withdraw`."""
    episode = item.episode
    policy.require_edit_family(request.user, episode.family)
    title = f"Withdraw an {what}" if what[0] in "aeiou" else f"Withdraw a {what}"
    if request.method != "POST" and not episode.is_open:
        return pages.closed(request, episode, title)
    form = WithdrawForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
            withdraw(actor=request.user, version=_version(form), reason=form.cleaned_data["reason"])
        if attempt.ok:
            messages.success(request, f"The {what} has been withdrawn. It is kept, marked as withdrawn.")
            return redirect("plans:plan", episode_id=episode.pk)
    return render(request, "plans/withdraw.html", pages.context(
        episode, form=form, what=what, item=item, label=label,
        may=corrections.may_correct(request.user, episode, item.created_by_id),
        back=reverse("plans:plan", args=[episode.pk]), title=title))


@submit_once
def outcome_withdraw_view(request, outcome_id: int):
    outcome = selectors.outcome_for_update(request.user, outcome_id)
    return _withdraw_page(request, outcome, what="outcome", label=outcome.description,
                          withdraw=functools.partial(corrections.outcome_withdraw, outcome=outcome))


@submit_once
def action_edit_view(request, action_id: int):
    action = selectors.action_for_update(request.user, action_id)
    episode = action.episode
    policy.require_edit_family(request.user, episode.family)
    if request.method != "POST" and not episode.is_open:
        return pages.closed(request, episode, "Correct an action")
    form = ActionCorrectForm(request.POST or None, initial={"what": action.what, "due_on": action.due_on,
                                                            "version": action.version})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
            corrections.action_correct(actor=request.user, action=action, version=_version(form), what=d["what"],
                                       due_on=d["due_on"], reason=d["reason"])
        if attempt.ok:
            messages.success(request, "The action has been corrected.")
            return redirect("plans:plan", episode_id=episode.pk)
    return render(request, "plans/action_edit.html", pages.context(
        episode, form=form, action=action,
        may=corrections.may_correct(request.user, episode, action.created_by_id), title="Correct an action"))


@submit_once
def action_withdraw_view(request, action_id: int):
    action = selectors.action_for_update(request.user, action_id)
    return _withdraw_page(request, action, what="action", label=action.what,
                          withdraw=functools.partial(corrections.action_withdraw, action=action))


@submit_once
def outcomes_final_view(request, episode_id: int):
    """Before closing: how each outcome still being worked towards ended, then on to the closure page."""
    episode = selectors.episode_for_plan(request.user, episode_id)
    policy.require_edit_family(request.user, episode.family)
    if request.method != "POST" and not episode.is_open:
        return pages.closed(request, episode, "How each outcome ended")
    outcomes = selectors.open_outcomes(episode)
    form = OutcomesFinalForm(request.POST or None, outcomes=outcomes)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
            corrections.outcomes_final(actor=request.user, episode=episode, answers=form.answers())
        if attempt.ok:
            messages.success(request, "How each outcome ended has been recorded. Now close Early Help with the "
                                      "family's final comments.")
            return redirect("cases:episode_close", episode_id=episode.pk)
    return render(request, "plans/outcomes_final.html", pages.context(
        episode, form=form, may=policy.can_manage_episode(request.user, episode), title="How each outcome ended"))


# --- reviews -------------------------------------------------------------------------------------------------


@submit_once
def review_new_view(request, episode_id: int):
    episode = selectors.episode_for_plan(request.user, episode_id)
    policy.require_edit_family(request.user, episode.family)
    if request.method != "POST" and not episode.is_open:
        return pages.closed(request, episode, f"Review the plan for {episode.family.name}")
    council = episode.family.council
    choices = selectors.review_choices(request.user, episode)
    data = request.POST or None
    form = ReviewForm(council, data, outcomes=choices["outcomes"], meetings=choices["meetings"],
                      initial={"next_review_on": review_dates.default_date(council, episode=episode),
                               "meeting": request.GET.get("meeting")})
    scores_form = ScoresForm(council, data, prefix="scores")
    if request.method == "POST":
        scores_valid = scores_form.is_valid()
        if form.is_valid():
            d = form.cleaned_data
            by_pk = {m.pk: m for m in choices["meetings"]}
            answers = {"actor": request.user, "episode": episode, "held_on": d["held_on"],
                       "meeting": by_pk.get(d["meeting"]), "summary": d["summary"], "progress": form.progress(),
                       "decision": d["decision"], "new_level": d["new_level"], "level_reasons": d["level_reasons"],
                       "next_review_on": d["next_review_on"], "review_date_reason": d["review_date_reason"]}
            with refusal_on(form, scores_form) as attempt:
                if not scores_valid:
                    # Check the rest too, so that every problem is shown at once; nothing is saved.
                    reviews.review_check(**answers)
                else:
                    review = reviews.review_record(**answers, family_views=d["family_views"],
                                                    scores=scores_form.scores())
            if attempt.ok and scores_valid:
                return _after_review(request, review)
    return render(request, "plans/review_new.html", pages.context(
        episode, review_form=form, scores_form=scores_form, form=_FormGroup(form, scores_form),
        title=f"Review the plan for {episode.family.name}"))


def _after_review(request, review):
    if review.decision == ReviewDecision.CLOSE:
        if selectors.open_outcomes(review.episode):
            messages.success(request, "The review has been recorded. Now say how each outcome ended, then close "
                                      "Early Help with the family's final comments.")
            return redirect("plans:outcomes_final", episode_id=review.episode_id)
        messages.success(request, "The review has been recorded. Now close Early Help with the family's final "
                                  "comments.")
        return redirect("cases:episode_close", episode_id=review.episode_id)
    messages.success(request, "The review has been recorded.")
    return redirect("plans:review", review_id=review.pk)


def review_view(request, review_id: int):
    bundle = selectors.review_detail(request.user, review_id)
    episode = bundle["episode"]
    return render(request, "plans/review.html", {
        **bundle, "step_up_url": reverse("referrals:step_up", args=[episode.pk]),
        "title": f"Review on {bundle['review'].held_on:%-d %B %Y}"})


# --- due work ------------------------------------------------------------------------------------------------


DUE_PAGE = 50


def due_work_view(request):
    cursors = {k: request.GET.get(k) for k in ("reviews_after", "reviews_before", "actions_after", "actions_before")}
    due = selectors.due_work(request.user, limit=DUE_PAGE, **cursors)
    return render(request, "plans/due.html", {"due": due, "title": "Reviews and actions due", "active": "dashboard"})

