"""What every plans page shares: the episode's context and the page of a closed episode."""

from django.shortcuts import render


def context(episode, **extra) -> dict:
    return {"episode": episode, "family": episode.family, "council": episode.family.council, **extra}


def closed(request, episode, title: str):
    """A closed episode's form page, asked for: no form, only why. A form sent anyway is refused by the service."""
    return render(request, "plans/episode_closed.html", context(episode, title=title))
