"""Merging two records of one person and undoing it (issue 16): everything moves to the record that stays, access
follows at once, both histories show it, the recipients are told; an unmerge puts both back; holds and stale pages
refuse it; and the pages, for the data protection officer only."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.accounts.models import Agency, AgencyKind
from hearth.audit.models import AuditEvent
from hearth.core import personal_data
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.duplicates.models import DuplicatePair, DuplicateRun, PairStatus
from hearth.families import selectors as family_selectors
from hearth.families import services as people_services
from hearth.merges import selectors, services
from hearth.merges.models import Merge
from hearth.people import match_model, training
from hearth.people import tasks as people_tasks
from hearth.people.models import Address, FamilyMember, NameKind, Person, PersonName, Relationship
from hearth.people.search import SearchQuery
from hearth.retention import services as retention_services
from hearth.rights import services as rights
from hearth.rights.models import RequestDecision, RequestKind
from hearth.sharing import services as sharing
from hearth.sharing.models import Disclosure, DisclosureKind
from tests.factories import FamilyFactory
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def twin_record(other_practitioner, involve):
    """Jo Testfamily recorded a second time, by another agency in another family, with a typo, a new phone number,
    an NHS number and a previous name."""
    other_family = FamilyFactory(actor=other_practitioner, name="The Second family")
    person = people_services.person_create(
        actor=other_practitioner, family=other_family, role="parent_pr",
        data={"given_name": "Joe", "family_name": "Testfamily", "date_of_birth": D(1988, 2, 14),
              "phone": "07700 900222", "nhs_number": "9434765919"},
        address=people_services.AddressInput(line_1="9 Canal Street", town="Oxford", postcode="OX1 2AA"))
    people_services.person_add_name(actor=other_practitioner, person=person, kind=NameKind.PREVIOUS,
                                    given_name="Jo", family_name="Brightwater")
    return person


def _merge(dpo, survivor, merged, take=(), reason="Same date of birth, same NHS number on the GP letter"):
    survivor.refresh_from_db()
    merged.refresh_from_db()
    return services.merge(actor=dpo, survivor=survivor, merged=merged, versions=(survivor.version, merged.version),
                          take=list(take), reason=reason)


def test_a_merge_moves_everything_to_the_record_that_stays(dpo, mum, twin_record, other_practitioner, practitioner):
    second_family = twin_record.memberships.get().family
    record = _merge(dpo, mum, twin_record, take=["phone", "nhs_number"])

    mum.refresh_from_db()
    twin_record.refresh_from_db()
    assert (mum.phone, mum.nhs_number) == ("07700 900222", "9434765919")
    assert twin_record.merged_into == mum and twin_record.nhs_number is None
    assert set(FamilyMember.objects.filter(person=mum).values_list("family__name", flat=True)) == {
        "The Testfamily family", "The Second family"}
    assert not FamilyMember.objects.filter(person=twin_record).exists()
    names = set(PersonName.objects.filter(person=mum).values_list("kind", "given_name", "family_name"))
    assert {(NameKind.PREVIOUS, "Jo", "Brightwater"), (NameKind.OTHER, "Joe", "Testfamily")} <= names
    # Its current address became one of hers, ended today; hers is still the current one.
    assert Address.objects.get(person=mum, to_date__isnull=True).postcode == "OX16 1AA"
    assert Address.objects.get(person=mum, postcode="OX1 2AA").to_date == datetime.date.today()
    assert record.moved and not record.kept

    # Access follows at once: the other agency's practitioner, who sees only the second family, now finds her.
    found = family_selectors.search_people(other_practitioner, SearchQuery(given_name="Jo", family_name="Testfamily"))
    assert [m.person.pk for m in found] == [mum.pk]
    assert second_family.pk in [m.family_id for m in mum.memberships.all()]
    # Search leaves the merged record out, for everyone.
    found = family_selectors.search_people(practitioner, SearchQuery(given_name="Joe", family_name="Testfamily"))
    assert twin_record.pk not in [m.person.pk for m in found]
    # Both histories show it.
    assert {e.person_id for e in AuditEvent.objects.filter(object_type="merges.merge")} == {mum.pk, twin_record.pk}


def test_an_unmerge_puts_both_back_and_keeps_what_was_added_since(dpo, mum, twin_record, practitioner):
    before = {p.pk: (p.phone, p.nhs_number) for p in Person.objects.filter(pk__in=[mum.pk, twin_record.pk])}
    record = _merge(dpo, mum, twin_record, take=["phone", "nhs_number", "current_address"])
    mum.refresh_from_db()
    added = people_services.person_add_name(actor=practitioner, person=mum, kind=NameKind.OTHER, given_name="Joanne",
                                            family_name="Testfamily")

    result = services.unmerge(actor=dpo, merge_record=record, reason="The GP says these are two people")

    assert result == {"kept_since": [], "gone": []}
    after = {p.pk: (p.phone, p.nhs_number) for p in Person.objects.filter(pk__in=[mum.pk, twin_record.pk])}
    assert after == before
    twin_record.refresh_from_db()
    assert twin_record.merged_into is None
    assert twin_record.memberships.get().family.name == "The Second family"
    assert PersonName.objects.filter(person=twin_record, kind=NameKind.PREVIOUS, family_name="Brightwater").exists()
    assert not PersonName.objects.filter(person=mum, given_name="Joe").exists()
    assert PersonName.objects.filter(pk=added.pk, person=mum).exists()  # added since: stays
    assert Address.objects.get(person=mum, to_date__isnull=True).postcode == "OX16 1AA"
    assert Address.objects.get(person=twin_record, to_date__isnull=True).postcode == "OX1 2AA"
    record.refresh_from_db()
    assert record.is_undone and record.unmerged_by == dpo
    with pytest.raises(Conflict):
        services.unmerge(actor=dpo, merge_record=record, reason="Again")


def test_two_records_in_one_family_lose_the_link_they_share_and_get_it_back(dpo, family, mum, practitioner):
    again = people_services.person_create(actor=practitioner, family=family, role="parent_pr",
                                          data={"given_name": "Jo", "family_name": "Testfamily"})
    people_services.relationship_add(actor=practitioner, family=family, from_person=again, to_person=mum,
                                     kind="partner")
    record = _merge(dpo, mum, again)
    assert list(FamilyMember.objects.filter(family=family).values_list("person_id", flat=True)) == [mum.pk]
    assert not Relationship.objects.exists()
    assert len(record.removed) == 2

    services.unmerge(actor=dpo, merge_record=record, reason="Two people")
    assert set(FamilyMember.objects.filter(family=family).values_list("person_id", flat=True)) == {mum.pk, again.pk}
    assert Relationship.objects.get().from_person == again


def test_a_merge_is_refused_under_a_restriction_or_a_legal_hold(dpo, mum, twin_record, family, practitioner):
    rq = rights.request_record(actor=dpo, person=twin_record, kind=RequestKind.RESTRICTION, asked="Stop using it",
                               received_on=datetime.date.today())
    rights.request_decide(actor=dpo, rights_request=rq, version=rq.version, decision=RequestDecision.ACCEPTED,
                          reason="")
    rights.restriction_apply(actor=dpo, rights_request=rq, version=rq.version, what="Accuracy being checked")
    with pytest.raises(ValidationFailed) as exc:
        _merge(dpo, mum, twin_record)
    assert "cannot be merged now" in exc.value.errors["merge"]

    other = people_services.person_create(actor=practitioner, family=family, role="child",
                                          data={"given_name": "Max", "family_name": "Testfamily"})
    retention_services.legal_hold_place(actor=dpo, name="Public inquiry", reason="Inquiry into services",
                                        family_ids=[family.pk])
    with pytest.raises(ValidationFailed):
        _merge(dpo, mum, other)
    assert not Merge.objects.exists()


def test_a_merge_is_refused_when_a_record_changed_since_the_comparison(dpo, mum, twin_record, practitioner):
    mum.refresh_from_db()
    versions = (mum.version, twin_record.version)
    people_services.person_update(actor=practitioner, person=mum, version=mum.version, data={"phone": "07700 900999"})
    with pytest.raises(Conflict):
        services.merge(actor=dpo, survivor=mum, merged=twin_record, versions=versions, take=[], reason="Same")


def test_only_the_data_protection_officer_merges(practitioner, mum, twin_record):
    with pytest.raises(NotPermitted):
        _merge(practitioner, mum, twin_record)


def test_the_recipients_who_had_the_merged_record_are_told_without_names(dpo, mum, twin_record, other_practitioner):
    surgery, _ = Agency.objects.get_or_create(council=mum.council, name="Bridge Surgery",
                                              defaults={"kind": AgencyKind.GP, "email": "practice@bridge.example.test"})
    sharing.disclosure_record(actor=other_practitioner, family=twin_record.memberships.get().family,
                              kind=DisclosureKind.OTHER, what="Letter", recipient="Dr Shah", recipient_agency=surgery,
                              purpose="Planning", basis="Consent", person=twin_record)
    mail.outbox.clear()
    record = _merge(dpo, mum, twin_record)
    run_jobs()
    assert [m.to for m in mail.outbox] == [["practice@bridge.example.test"]]
    assert "were the same person, and merged them" in mail.outbox[0].body
    assert "Testfamily" not in mail.outbox[0].body and "Jo" not in mail.outbox[0].body
    notice = Disclosure.objects.get(kind=DisclosureKind.MERGE_NOTICE)
    assert notice.what == f"Merge of two records of one person (merge {record.pk}), told by email"


# The pages ----------------------------------------------------------------------------------------------------------


def test_the_officer_compares_chooses_and_merges_then_the_pages_say_so(dpo, mum, twin_record, client_for,
                                                                       practitioner):
    client = client_for(dpo)
    url = reverse("merges:compare")
    page = client.get(url, {"left": mum.pk, "right": twin_record.pk}).content.decode()
    assert "Compare two records before merging them" in page
    assert "07700 900111" in page and "07700 900222" in page and "Differs" in page

    mum.refresh_from_db()
    form = {"left": mum.pk, "right": twin_record.pk, "left_version": mum.version,
            "right_version": twin_record.version, "survivor": "left", "keep_given_name": "left",
            "keep_phone": "right", "keep_nhs_number": "right", "keep_current_address": "left", "keep_sex": "left"}
    response = client.post(url, {**form, "reason": ""})
    body = response.content.decode()
    assert "There is a problem" in body and "Say why these two records are the same person" in body
    assert not Merge.objects.exists()

    response = client.post(url, {**form, "reason": "Same person: the GP confirmed"})
    assert response.status_code == 302, response.content.decode()[-3000:]
    record = Merge.objects.get()
    assert response.status_code == 302 and response.url == reverse("merges:merge", args=[record.pk])
    mum.refresh_from_db()
    assert mum.phone == "07700 900222" and mum.given_name == "Jo"
    page = client.get(response.url).content.decode()
    assert "Record that stayed" in page and "Undo the merge" in page

    # The merged record belongs to no family now, so no practitioner reaches it; the one that stayed says so.
    assert client_for(practitioner).get(reverse("families:person", args=[twin_record.pk])).status_code == 403
    stayed = client_for(practitioner).get(reverse("families:person", args=[mum.pk])).content.decode()
    assert f"record {twin_record.pk}) was merged into this one" in stayed


def test_comparing_refuses_anyone_but_the_officer_and_bad_record_numbers(dpo, mum, twin_record, client_for,
                                                                        practitioner):
    response = client_for(practitioner).get(reverse("merges:compare"), {"left": mum.pk, "right": twin_record.pk})
    assert response.status_code == 403
    client = client_for(dpo)
    page = client.get(reverse("merges:compare"), {"left": mum.pk, "right": mum.pk}).content.decode()
    assert "There is a problem" in page and "Choose two different records" in page
    page = client.get(reverse("merges:compare"), {"left": "abc", "right": ""}).content.decode()
    assert "Enter the first record&#39;s number, like 1204" in page or "Enter the first record's number" in page


def test_the_duplicates_queue_learns_of_the_merge_and_of_its_undoing(dpo, mum, twin_record):
    run = DuplicateRun.objects.create(council=mum.council, started_by=dpo, people=2, pairs=1)
    low, high = sorted([mum, twin_record], key=lambda p: p.pk)
    pair = DuplicatePair.objects.create(run=run, council=mum.council, person_a=low, person_b=high, match_weight=12.0,
                                        probability=0.99, evidence=[])
    record = _merge(dpo, mum, twin_record)
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by) == (PairStatus.MERGED, dpo)

    services.unmerge(actor=dpo, merge_record=record, reason="The GP says these are two people")
    pair.refresh_from_db()
    assert pair.status == PairStatus.REJECTED and pair.reason == "The GP says these are two people"


def test_an_address_withheld_on_either_record_stays_withheld(dpo, mum, twin_record):
    Person.objects.filter(pk=twin_record.pk).update(address_withheld=True)
    _merge(dpo, mum, twin_record, take=[])
    mum.refresh_from_db()
    assert mum.address_withheld


# Telling the recipients another way ---------------------------------------------------------------------------------


def _shared(actor, person, agency=None, recipient=""):
    return sharing.disclosure_record(actor=actor, family=person.memberships.get().family, kind=DisclosureKind.OTHER,
                                     what="Letter", recipient=recipient or agency.name, recipient_agency=agency,
                                     purpose="Planning", basis="Consent", person=person)


@pytest.fixture
def shared_twice(mum, twin_record, other_practitioner):
    """The second record was shared with a surgery that has an email address and a food bank that has none."""
    surgery, _ = Agency.objects.get_or_create(council=mum.council, name="Bridge Surgery",
                                              defaults={"kind": AgencyKind.GP, "email": "practice@bridge.example.test"})
    food_bank, _ = Agency.objects.get_or_create(council=mum.council, name="Canal Food Bank",
                                                defaults={"kind": AgencyKind.VOLUNTARY, "email": ""})
    _shared(other_practitioner, twin_record, surgery)
    _shared(other_practitioner, twin_record, food_bank)
    return surgery, food_bank


def _told(client, record, key, how, submission_key=None):
    data = {"key": key, "how": how}
    if submission_key:
        data["submission_key"] = submission_key
    return client.post(reverse("merges:told", args=[record.pk]), data)


def _recipient_row(page: str, name: str) -> str:
    start = page.index(f">{name}</th>")
    return page[start:page.index("</tr>", start)]


def test_the_officer_records_a_recipient_told_another_way(dpo, mum, twin_record, shared_twice, client_for):
    surgery, food_bank = shared_twice
    second_family = twin_record.memberships.get().family
    record = _merge(dpo, mum, twin_record)
    run_jobs()
    client = client_for(dpo)
    page = client.get(reverse("merges:merge", args=[record.pk])).content.decode()
    assert "Told of the merge" in page
    assert "Told</strong>" in _recipient_row(page, "Bridge Surgery")
    assert f"Merge of two records of one person (merge {record.pk}), told by email" in page
    row = _recipient_row(page, "Canal Food Bank")
    assert "No email address known" in row and "Not yet told" in row
    assert "Record a recipient told another way" in page and 'name="submission_key"' in page

    key = f"agency-{food_bank.pk}"
    how = "by phone to the practice manager"
    response = _told(client, record, key, how, submission_key="k" * 24)
    assert response.status_code == 302 and response.url == reverse("merges:merge", args=[record.pk])
    notice = Disclosure.objects.get(kind=DisclosureKind.MERGE_NOTICE, recipient_agency=food_bank)
    assert notice.what == f"Merge of two records of one person (merge {record.pk}), told {how}"
    assert (notice.object_type, notice.object_id) == ("merges.merge", str(record.pk))
    assert notice.family == second_family and notice.person == mum
    assert notice.delivery == "" and notice.disclosed_by == dpo
    assert AuditEvent.objects.filter(object_type="sharing.disclosure", object_id=str(notice.pk)).exists()
    page = client.get(response.url).content.decode()
    assert "It has been recorded in the information-sharing register." in page
    row = _recipient_row(page, "Canal Food Bank")
    assert "Told</strong>" in row and how in row and "Not yet told" not in page

    # The same form sent again (a double-click) records nothing more.
    again = _told(client, record, key, how, submission_key="k" * 24)
    assert again.status_code == 302
    assert Disclosure.objects.filter(kind=DisclosureKind.MERGE_NOTICE, recipient_agency=food_bank).count() == 1


def test_recording_a_recipient_told_another_way_refuses_bad_answers(dpo, mum, twin_record, shared_twice, client_for,
                                                                   practitioner):
    _surgery, food_bank = shared_twice
    record = _merge(dpo, mum, twin_record)
    client = client_for(dpo)
    key = f"agency-{food_bank.pk}"
    before = Disclosure.objects.count()
    for data, message in (
            ((key, ""), "Say how they were told, like"),
            ((key, "   "), "Say how they were told, like"),
            ((key, "x" * 201), "Say how they were told in 200 characters or fewer"),
            (("", "by phone"), "Choose the recipient you told"),
            (("agency-999999", "by phone"), "Choose the recipient you told"),
            (("to-0123456789abcdef", "by phone"), "Choose the recipient you told")):
        response = _told(client, record, *data)
        body = response.content.decode()
        assert response.status_code == 200, data
        assert "There is a problem" in body and message in body, data
    assert Disclosure.objects.count() == before

    # A merge that does not exist, and anyone but the officer, are refused.
    assert _told(client, Merge(pk=999_999), key, "by phone").status_code in (403, 404)
    assert _told(client_for(practitioner), record, key, "by phone").status_code == 403
    assert client_for(dpo).get(reverse("merges:told", args=[record.pk])).status_code == 200
    assert Disclosure.objects.count() == before


def test_recipients_not_yet_told_of_an_unmerge_show_as_such(dpo, mum, twin_record, shared_twice, client_for):
    _surgery, food_bank = shared_twice
    record = _merge(dpo, mum, twin_record)
    client = client_for(dpo)
    key = f"agency-{food_bank.pk}"
    assert _told(client, record, key, "by letter").status_code == 302
    response = client.post(reverse("merges:unmerge", args=[record.pk]), {"reason": "Two people after all"})
    assert response.status_code == 302

    page = client.get(reverse("merges:merge", args=[record.pk])).content.decode()
    assert "Told of the unmerge" in page
    assert "Told</strong>" in _recipient_row(page, "Bridge Surgery")
    row = _recipient_row(page, "Canal Food Bank")
    assert "Not yet told" in row and f"Merge of two records of one person (merge {record.pk}), told by letter" in row

    assert _told(client, record, key, "by phone to the manager").status_code == 302
    whats = list(Disclosure.objects.filter(kind=DisclosureKind.MERGE_NOTICE, recipient_agency=food_bank)
                 .order_by("pk").values_list("what", flat=True))
    assert whats == [f"Merge of two records of one person (merge {record.pk}), told by letter",
                     f"Unmerge of two records of one person (merge {record.pk}), told by phone to the manager"]
    row = _recipient_row(client.get(reverse("merges:merge", args=[record.pk])).content.decode(), "Canal Food Bank")
    assert "Not yet told" not in row and "told by phone to the manager" in row


def test_the_merge_page_lists_recipients_of_entries_the_merge_moved(dpo, mum, twin_record, other_practitioner,
                                                                   client_for):
    _shared(other_practitioner, twin_record, recipient="Ms Patel, housing officer")
    record = _merge(dpo, mum, twin_record)
    page = client_for(dpo).get(reverse("merges:merge", args=[record.pk])).content.decode()
    row = _recipient_row(page, "Ms Patel, housing officer")
    assert "No email address known" in row and "Not yet told" in row


# The comparison -----------------------------------------------------------------------------------------------------


def _compared(dpo, left, right):
    with CaptureQueriesContext(connection) as queries:
        sides = selectors.compare(dpo, left.pk, right.pk)
    return sides, len(queries)


def test_the_comparison_counts_linked_records_in_a_fixed_number_of_queries(dpo, mum, twin_record, family,
                                                                           other_practitioner, practitioner):
    selectors.compare(dpo, mum.pk, twin_record.pk)  # the officer's roles, read once and kept
    (left, right, _rows), few = _compared(dpo, mum, twin_record)
    assert dict(right.linked)["Addresses"] == 1 and "Entries in the information-sharing register" not in dict(
        right.linked)
    # Records that refer to a family only (case notes, the audit log) do not move, and are not counted.
    assert {what for what, _ in left.linked + right.linked} <= {e.many for e in personal_data.records()
                                                                if e.person_fields()}

    # More of every kind the register holds about them: the same number of queries.
    for n in range(3):
        _shared(other_practitioner, twin_record, recipient=f"Recipient {n}")
        people_services.person_add_name(actor=other_practitioner, person=twin_record, kind=NameKind.OTHER,
                                        given_name=f"Joey{n}", family_name="Testfamily")
    people_services.relationship_add(actor=practitioner, family=family, from_person=mum,
                                     to_person=people_services.person_create(
                                         actor=practitioner, family=family, role="child",
                                         data={"given_name": "Max", "family_name": "Testfamily"}), kind="parent")
    (left, right, _rows), more = _compared(dpo, mum, twin_record)
    assert dict(right.linked)["Entries in the information-sharing register"] == 3
    assert dict(left.linked)["Family relationships"] == 1
    assert more == few
    # Not one query (or more) for each record of the register, as a count per record would take.
    moving = [e for e in personal_data.records() if e.person_fields()]
    assert few < len(moving)


def test_the_councils_matching_model_learns_from_its_merges_how_one_persons_records_differ(dpo, mum, twin_record,
                                                                                             monkeypatch):
    """A merge that stands is a pair known to be one person: the nightly model learns from the two records as they
    were merged (Joe typed for Jo) how one person's records differ, drawn towards the shipped model; once undone,
    the merge no longer counts."""
    record = _merge(dpo, mum, twin_record, take=["nhs_number"])
    [(typed, held)] = selectors.same_person_pairs(mum.council_id)
    # As they were merged: the NHS number the merge took from the second record is put back on it.
    assert (typed.names[0][1].norm, typed.date_of_birth, typed.nhs_number) == ("joe", D(1988, 2, 14), "9434765919")
    assert (held.names[0][1].norm, held.nhs_number) == ("jo", "")
    monkeypatch.setattr(people_tasks, "MIN_PEOPLE", 1)

    people_tasks.train_council(mum.council_id)

    model, shipped = match_model.for_council(mum.council_id), match_model.default()
    levels = dict(zip(training.ORDER, training.levels_of(typed, held), strict=True))
    assert levels["given"] not in (0, training.MISSING)  # Joe and Jo: not the same given name
    assert model.m["given"][levels["given"]] > shipped.m["given"][levels["given"]]
    assert model.m["given"][0] < shipped.m["given"][0]
    assert model.m["nhs"] == pytest.approx(shipped.m["nhs"])  # one record had no NHS number: nothing learned
    assert model.about["same_person_pairs"] == 1

    services.unmerge(actor=dpo, merge_record=record, reason="The GP says these are two people")
    assert selectors.same_person_pairs(mum.council_id) == []
    people_tasks.train_council(mum.council_id)
    assert match_model.for_council(mum.council_id).m == shipped.m
