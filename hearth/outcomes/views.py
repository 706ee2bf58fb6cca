"""Pages: an episode's outcome scores (star chart, distance travelled, every reading) and recording a new set."""

from django.contrib import messages
from django.shortcuts import redirect, render

from hearth.access import policy
from hearth.outcomes import selectors, services
from hearth.outcomes.forms import ReadingForm
from hearth.outcomes.models import ReadingContext
from hearth.web.once import submit_once
from hearth.web.refusals import refusal_on


def episode_outcomes_view(request, episode_id: int):
    episode = selectors.episode_for_outcomes(request.user, episode_id)
    outcomes = selectors.episode_outcomes(request.user, episode)
    family = episode.family
    return render(request, "outcomes/episode.html", {
        "episode": episode, "family": family, "council": family.council, "outcomes": outcomes,
        "can_record": episode.is_open and policy.can_edit_family(request.user, family),
        "title": f"Outcome scores for {family.name}",
    })


@submit_once
def reading_new_view(request, episode_id: int):
    """Record a standalone set of scores, for example at a check-in between reviews."""
    episode = selectors.episode_for_outcomes(request.user, episode_id)
    family = episode.family
    if not episode.is_open:
        messages.info(request, "This Early Help episode is closed, so new scores cannot be added to it.")
        return redirect("outcomes:episode", episode_id=episode.pk)
    form = ReadingForm(family.council, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            services.reading_record(actor=request.user, episode=episode, taken_on=form.cleaned_data["taken_on"],
                                    scores=form.scores(), context=ReadingContext.CHECK_IN)
        if attempt.ok:
            messages.success(request, "The scores have been recorded.")
            return redirect("outcomes:episode", episode_id=episode.pk)
    return render(request, "outcomes/reading_new.html", {
        "episode": episode, "family": family, "council": family.council, "form": form, "scores_form": form,
        "title": f"Record outcome scores for {family.name}",
    })
