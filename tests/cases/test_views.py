"""Episode pages driven as a user would: start, view, change level and lead, close, notes and chronology."""

from datetime import timedelta

from django.utils import timezone

from hearth.cases.models import Episode, EpisodeStatus
from hearth.plans.models import Action


def _date(prefix, d):
    return {f"{prefix}-day": d.day, f"{prefix}-month": d.month, f"{prefix}-year": d.year}


def test_starting_early_help_from_the_family_page(client_for, practitioner, family):
    client = client_for(practitioner)
    page = client.get(f"/families/{family.pk}")
    assert "Start Early Help with the family" in page.content.decode()
    response = client.post(f"/families/{family.pk}/episodes/new", {
        "reason": "N4", "level": "2", "level_reasons": "Struggling with routines", "lead": practitioner.pk})
    episode = Episode.objects.get(family=family)
    assert response.status_code == 302 and response["Location"] == f"/episodes/{episode.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "Level 2: Vulnerable" in page and "Pat Practitioner, Hill School" in page


def test_starting_without_a_reason_or_level_shows_the_errors(client_for, practitioner, family):
    page = client_for(practitioner).post(f"/families/{family.pk}/episodes/new", {"level_reasons": ""}).content.decode()
    assert "There is a problem" in page
    for message in ("Choose the main reason for Early Help", "Choose a level of need",
                    "Give the reasons for the level of need"):
        assert message in page
    assert not Episode.objects.exists()


def test_the_start_page_names_the_holder_of_an_open_episode(client_for, practitioner, family, episode):
    page = client_for(practitioner).get(f"/families/{family.pk}/episodes/new").content.decode()
    assert "already has an open Early Help episode, led by Pat Practitioner (Hill School)" in page


def test_the_episode_page_offers_the_immediate_risk_route(client_for, practitioner, episode):
    page = client_for(practitioner).get(f"/episodes/{episode.pk}").content.decode()
    assert "If a child may be at immediate risk of significant harm" in page
    assert f"/families/{episode.family_id}/mash-contact" in page


def test_someone_outside_the_family_gets_a_403_on_the_episode(client_for, other_practitioner, episode):
    assert client_for(other_practitioner).get(f"/episodes/{episode.pk}").status_code == 403


def test_changing_the_level_with_reasons_shows_in_the_history(client_for, practitioner, episode):
    client = client_for(practitioner)
    client.post(f"/episodes/{episode.pk}/level", {"version": episode.version, "level": "3",
                                                  "reasons": "New concerns about school"})
    page = client.get(f"/episodes/{episode.pk}").content.decode()
    assert "Level 3: Complex" in page and "New concerns about school" in page


def test_a_stale_level_change_is_refused_with_a_warning(client_for, practitioner, episode):
    page = client_for(practitioner).post(f"/episodes/{episode.pk}/level", {
        "version": episode.version - 1 if episode.version > 1 else 99, "level": "3", "reasons": "x"}).content.decode()
    assert "Someone else changed this episode" in page
    assert Episode.objects.get(pk=episode.pk).level == 2


def test_closing_with_open_actions_asks_what_to_do_and_then_closes(client_for, practitioner, episode):
    Action.objects.create(episode=episode, what="Referral to the food bank", owner_user=practitioner,
                          due_on=timezone.localdate() + timedelta(days=3))
    client = client_for(practitioner)
    page = client.get(f"/episodes/{episode.pk}/close").content.decode()
    assert "Referral to the food bank" in page
    form = {"version": episode.version, "reason": "outcomes_achieved", "family_comments": "Thank you"}
    page = client.post(f"/episodes/{episode.pk}/close", form).content.decode()
    assert "This episode has 1 open action. Say what should happen to them before closing." in page
    assert Episode.objects.get(pk=episode.pk).status != EpisodeStatus.CLOSED
    response = client.post(f"/episodes/{episode.pk}/close", {**form, "open_actions": "cancel"})
    assert response.status_code == 302
    page = client.get(f"/episodes/{episode.pk}").content.decode()
    assert "Desired outcomes have been achieved" in page and "Thank you" in page


def test_notes_are_added_and_significant_ones_make_the_chronology(client_for, practitioner, family, episode):
    client = client_for(practitioner)
    today = timezone.localdate()
    client.post(f"/families/{family.pk}/notes", {"note_type": "home_visit", **_date("occurred_on", today),
                                                 "summary": "Home visit: house cold, no heating", "significant": "on"})
    client.post(f"/families/{family.pk}/notes", {"note_type": "phone", **_date("occurred_on", today),
                                                 "summary": "Rang to rearrange"})
    notes = client.get(f"/families/{family.pk}/notes").content.decode()
    assert "Home visit: house cold, no heating" in notes and "Rang to rearrange" in notes
    chronology = client.get(f"/families/{family.pk}/chronology").content.decode()
    assert "Home visit: house cold, no heating" in chronology
    assert "Rang to rearrange" not in chronology
    assert "Early Help episode opened" in chronology and "Level 2: Vulnerable" in chronology


def test_a_note_with_a_future_date_is_refused(client_for, practitioner, family):
    tomorrow = timezone.localdate() + timedelta(days=1)
    page = client_for(practitioner).post(f"/families/{family.pk}/notes", {
        "note_type": "phone", **_date("occurred_on", tomorrow), "summary": "x"}).content.decode()
    assert "Date it happened must be today or in the past" in page


def test_a_planned_handover_shows_on_the_episode_and_completes(client_for, practitioner, other_practitioner,
                                                               episode):
    client = client_for(practitioner)
    day = timezone.localdate() + timedelta(days=7)
    client.post(f"/episodes/{episode.pk}/lead", {"user": other_practitioner.pk, **_date("planned_for", day),
                                                 "notes": "Joint visit first"})
    page = client.get(f"/episodes/{episode.pk}").content.decode()
    assert f"Handover to Olu Other planned for {day.day}" in page
    handover = episode.handovers.get()
    client.post(f"/handovers/{handover.pk}/complete")
    assert Episode.objects.get(pk=episode.pk).lead_professional == other_practitioner
