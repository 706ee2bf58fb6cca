"""Pages: arranging and recording Team Around the Family meetings, withdrawing one, and sending the notes."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hearth.access import policy
from hearth.cases import review_dates
from hearth.core.errors import DomainError, NotPermitted
from hearth.plans import corrections, meetings, pages, selectors
from hearth.plans.forms import MeetingForm, RecordForm, WithdrawForm
from hearth.web.once import submit_once
from hearth.web.refusals import refusal_on


@submit_once
def meeting_new_view(request, episode_id: int):
    episode = selectors.episode_for_plan(request.user, episode_id)
    policy.require_edit_family(request.user, episode.family)
    if request.method != "POST" and not episode.is_open:
        return pages.closed(request, episode, f"Arrange a meeting for {episode.family.name}")
    choices = selectors.schedule_choices(request.user, episode)
    form = MeetingForm(request.POST or None, choices=choices, initial={
        "practitioners": [u.pk for u in choices["involved"]],
        "family_members": choices["preselected_members"]})
    if request.method == "POST" and form.is_valid():
        users = {u.pk: u for u in (*choices["involved"], *choices["others"])}
        people = {m.person_id: m.person for m in choices["members"]}
        with refusal_on(form) as attempt:
            meeting = meetings.meeting_schedule(
                actor=request.user, episode=episode, kind=form.cleaned_data["kind"],
                scheduled_for=form.scheduled_for(), location=form.cleaned_data["location"],
                practitioners=[users[pk] for pk in form.practitioner_ids()],
                family_members=[people[pk] for pk in form.cleaned_data["family_members"]])
        if attempt.ok:
            messages.success(request, "The meeting has been arranged and the invitations have been sent.")
            return redirect("plans:meeting", meeting_id=meeting.pk)
    return render(request, "plans/meeting_new.html", pages.context(
        episode, form=form, title=f"Arrange a meeting for {episode.family.name}"))


def meeting_view(request, meeting_id: int):
    meeting = selectors.meeting_detail(request.user, meeting_id)
    episode = meeting.episode
    return render(request, "plans/meeting.html", pages.context(
        episode, meeting=meeting, can_edit=policy.can_edit_family(request.user, episode.family),
        can_record=timezone.localtime(meeting.scheduled_for).date() <= timezone.localdate(),
        title=f"{meeting.get_kind_display()} for {episode.family.name}"))


def meeting_record_view(request, meeting_id: int):
    meeting = selectors.meeting_detail(request.user, meeting_id)
    episode = meeting.episode
    policy.require_edit_family(request.user, episode.family)
    if request.method != "POST" and not episode.is_open:
        return pages.closed(request, episode, "Record the meeting")
    choices = selectors.record_choices(request.user, meeting)
    invitations = list(meeting.invitations.all())
    on = timezone.localtime(meeting.scheduled_for).date()
    initial = {
        "version": meeting.version, "family_views": meeting.family_views, "strengths": meeting.strengths,
        "needs": meeting.needs, "minutes": meeting.minutes,
        "agreed_lead": meeting.agreed_lead_id or episode.lead_professional_id,
        "next_review_on": (meeting.next_review_on
                           or review_dates.default_date(episode.family.council, on, episode=episode)),
        **{f"attendance_{i.pk}": i.attendance for i in invitations if i.attendance != "invited"},
        **{f"child_view_{pk}": text for pk, text in choices["child_views"].items()},
    }
    correcting = meeting.recorded_at is not None
    if correcting:
        initial["review_date_reason"] = meeting.review_date_reason
    form = RecordForm(request.POST or None, initial=initial, invitations=invitations,
                      children=choices["children"], leads=choices["leads"], correcting=correcting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        leads = {u.pk: u for u in choices["leads"]}
        with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
            result = meetings.meeting_record(
                actor=request.user, meeting=meeting, version=data["version"], attendance=form.attendance(),
                family_views=data["family_views"], child_views=form.child_views(), strengths=data["strengths"],
                needs=data["needs"], minutes=data["minutes"], agreed_lead=leads.get(data["agreed_lead"]),
                next_review_on=data["next_review_on"], review_date_reason=data["review_date_reason"],
                reason=data.get("reason", ""))
        if attempt.ok:
            text = "The meeting record has been corrected." if correcting else "The meeting has been recorded."
            if result.plan_agreed:
                text += " The plan has been agreed and is now active."
            elif result.plan_waiting and not correcting:
                text = result.plan_waiting
            messages.success(request, text)
            return redirect("plans:meeting", meeting_id=meeting.pk)
    return render(request, "plans/meeting_record.html", pages.context(
        episode, meeting=meeting, form=form, correcting=correcting,
        title="Correct the meeting record" if correcting else "Record the meeting"))


@submit_once
def meeting_withdraw_view(request, meeting_id: int):
    meeting = selectors.meeting_for_update(request.user, meeting_id)
    episode = meeting.episode
    policy.require_edit_family(request.user, episode.family)
    if request.method != "POST" and not episode.is_open:
        return pages.closed(request, episode, "Withdraw a meeting record")
    form = WithdrawForm(request.POST or None, initial={"version": meeting.version})
    if request.method == "POST" and form.is_valid():
        with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
            corrections.meeting_withdraw(actor=request.user, meeting=meeting, version=form.cleaned_data["version"],
                                         reason=form.cleaned_data["reason"])
        if attempt.ok:
            messages.success(request, "The meeting record has been withdrawn. It is kept, marked as withdrawn.")
            return redirect("plans:meeting", meeting_id=meeting.pk)
    return render(request, "plans/withdraw.html", pages.context(
        episode, form=form, what="meeting record", item=meeting,
        label=f"{meeting.get_kind_display()} on {timezone.localtime(meeting.scheduled_for):%-d %B %Y}",
        may=corrections.may_correct(request.user, episode, meeting.recorded_by_id or meeting.scheduled_by_id),
        back=reverse("plans:meeting", args=[meeting.pk]), title="Withdraw a meeting record"))


@submit_once
@require_POST
def meeting_send_view(request, meeting_id: int):
    meeting = selectors.meeting_for_update(request.user, meeting_id)
    try:
        with transaction.atomic():
            sent = meetings.notes_send(actor=request.user, meeting=meeting)
    except NotPermitted:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if sent:
            messages.success(request, f"The notes have been emailed to {sent} "
                                      f"{'person' if sent == 1 else 'people'}.")
        else:
            messages.warning(request, "No one invited has an email address, so the notes have not been emailed. "
                                      "Give them a printed copy.")
    return redirect("plans:meeting", meeting_id=meeting.pk)
