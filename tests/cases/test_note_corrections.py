"""Correcting and withdrawing case notes (hearth.cases.notes): a reason each time, the earlier wording kept, only the
author or whoever may manage the episode, a stale form refused; the notes page shows the history and withdrawn notes."""

import pytest
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import Role
from hearth.audit.models import AuditEvent
from hearth.cases import notes, selectors
from hearth.cases.models import CaseNote, CaseNoteRevision
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


def _note(actor, family, summary="Home visit to Jo"):
    return notes.note_add(actor=actor, family=family, note_type="home_visit", occurred_on=timezone.localdate(),
                          summary=summary, body="Talked about mornings", significant=True)


def _correct(actor, note, version, summary="Home visit to Jo and Sam", reason="Sam was there too"):
    return notes.note_update(actor=actor, note=note, version=version, summary=summary, body=note.body,
                             significant=True, note_type="home_visit", occurred_on=note.occurred_on, reason=reason)


def test_a_correction_needs_a_reason_and_keeps_the_earlier_wording(practitioner, family):
    note = _note(practitioner, family)
    with pytest.raises(ValidationFailed) as exc:
        _correct(practitioner, note, 1, reason="")
    assert exc.value.errors == {"reason": "Give the reason for the correction"}
    _correct(practitioner, note, 1)
    (revision,) = CaseNoteRevision.objects.filter(note=note)
    assert revision.summary == "Home visit to Jo" and revision.reason == "Sam was there too"
    assert CaseNote.objects.get(pk=note.pk).summary == "Home visit to Jo and Sam"
    with pytest.raises(Conflict):
        _correct(practitioner, note, 1, summary="Overwrite")


def test_the_lead_professional_may_correct_a_team_members_note_but_another_member_may_not(
        practitioner, other_practitioner, make, family, episode, involve):
    involve(family, other_practitioner)
    note = _note(other_practitioner, family)
    _correct(practitioner, note, 1)  # the lead professional
    third = make("tia.third@example.test", Role.PRACTITIONER)
    involve(family, third)
    with pytest.raises(NotPermitted) as exc:
        notes.note_withdraw(actor=third, note=note, version=2, reason="Not mine")
    assert "Only the author of a note, the lead professional" in exc.value.message


def test_a_withdrawn_note_leaves_the_notes_and_the_chronology_but_is_kept(practitioner, family, episode):
    note = _note(practitioner, family)
    with pytest.raises(ValidationFailed):
        notes.note_withdraw(actor=practitioner, note=note, version=1, reason=" ")
    notes.note_withdraw(actor=practitioner, note=note, version=1, reason="Wrong family")
    assert not CaseNote.objects.filter(pk=note.pk).exists()
    assert all(e.summary != "Home visit to Jo" for e in selectors.chronology(practitioner, family))
    listed = selectors.family_notes_with_history(practitioner, family)
    assert listed["notes"] == [] and [n.pk for n in listed["withdrawn"]] == [note.pk]
    assert AuditEvent.objects.filter(object_type="cases.casenote", object_id=str(note.pk),
                                     detail__withdrawn=True).exists()


def test_the_notes_page_corrects_and_withdraws_a_note_and_shows_what_happened(client_for, practitioner, family):
    note = _note(practitioner, family)
    client = client_for(practitioner)
    edit = reverse("cases:note_edit", args=[note.pk])
    data = {"version": 1, "note_type": "home_visit", "occurred_on-day": note.occurred_on.day,
            "occurred_on-month": note.occurred_on.month, "occurred_on-year": note.occurred_on.year,
            "summary": "Home visit to Jo and Sam", "body": "Talked about mornings", "significant": "on"}
    body = client.post(edit, data).content.decode()
    assert "govuk-error-summary" in body and "Give the reason for the correction" in body
    response = client.post(edit, {**data, "reason": "Sam was there too"})
    assert response.status_code == 302
    page = client.get(reverse("cases:notes", args=[family.pk])).content.decode()
    assert "Corrected on" in page and "Sam was there too" in page and "Home visit to Jo</strong>" in page
    withdraw = reverse("cases:note_withdraw", args=[note.pk])
    assert withdraw in page
    body = client.post(withdraw, {"version": 2, "reason": ""}).content.decode()
    assert "Give the reason for withdrawing it" in body
    response = client.post(withdraw, {"version": 2, "reason": "Written on the wrong family"})
    assert response.status_code == 302
    page = client.get(reverse("cases:notes", args=[family.pk])).content.decode()
    assert 'id="withdrawn-notes"' in page and "Written on the wrong family" in page
    assert "0 notes" in page


def test_no_correct_link_for_someone_who_may_not(client_for, practitioner, make, family, episode, involve):
    note = _note(practitioner, family)
    third = make("tia.third@example.test", Role.PRACTITIONER)
    involve(family, third)
    page = client_for(third).get(reverse("cases:notes", args=[family.pk])).content.decode()
    assert reverse("cases:note_edit", args=[note.pk]) not in page
    assert reverse("cases:note_withdraw", args=[note.pk]) not in page
