"""A family's locality follows the postcode of its address (the council profile's postcode districts), unless a
practitioner chose it by hand, with a reason; either way the practitioner is told."""

import pytest
import yaml
from django.urls import reverse

from hearth.audit.models import AuditEvent
from hearth.core import profiles
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.families import localities, services
from hearth.families.models import PostcodeDistrict
from hearth.people.models import Family, Sex
from tests import factories


def _address(postcode: str, **overrides) -> services.AddressInput:
    return services.AddressInput(**{"line_1": "1 Elm Row", "town": "Oxford", "postcode": postcode} | overrides)


def _parent(family, postcode: str, **details):
    return factories.ParentFactory(family=family, address=_address(postcode), **details)


def _locality(family) -> str:
    family.refresh_from_db()
    return family.locality.code if family.locality else ""


# The council profile

def test_the_oxfordshire_profile_says_which_team_covers_each_postcode_district(council):
    covered = dict(PostcodeDistrict.objects.filter(council=council).values_list("district", "locality__code"))
    assert covered["OX16"] == "north" and covered["OX4"] == "central" and covered["OX14"] == "south"
    assert localities.locality_for_postcode(council.pk, "OX26 2AB").code == "north"
    assert localities.locality_for_postcode(council.pk, "OX1 1AA").code == "central"  # OX1, not OX10
    assert localities.locality_for_postcode(council.pk, "OX10 9ZZ").code == "south"
    assert localities.locality_for_postcode(council.pk, "SW1A 1AA") is None


def _profile_with(tmp_path, north: list, central: list):
    path = profiles.PROFILE_DIR / "oxfordshire.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    locs = data["councils"][0]["localities"]
    locs[0]["postcode_districts"], locs[1]["postcode_districts"] = north, central
    target = tmp_path / "oxfordshire.yaml"
    target.write_text(yaml.safe_dump(data), encoding="utf-8")
    return target


@pytest.mark.parametrize(("north", "central", "message"), [
    (["OX16", "banbury"], [], "'banbury' in the postcode_districts of locality north is not a postcode district"),
    (["OX16"], ["OX16"], "the postcode district OX16 is in both locality north and locality central"),
    ("OX16", [], "postcode_districts of locality north must be a list"),
])
def test_a_profile_whose_postcode_districts_are_wrong_is_refused(tmp_path, north, central, message):
    with pytest.raises(profiles.ProfileError, match=message):
        profiles.read_file(_profile_with(tmp_path, north, central))


def test_loading_the_profile_again_keeps_the_districts_it_now_gives(council, tmp_path):
    profiles.load([_profile_with(tmp_path, ["OX16"], ["OX4"])])
    assert dict(PostcodeDistrict.objects.filter(council=council).values_list("district", "locality__code")) == {
        "OX16": "north", "OX4": "central", **{d: "south" for d in
                                              ("OX10", "OX11", "OX12", "OX13", "OX14", "OX18", "OX20", "OX28",
                                               "OX29", "OX39", "OX49")}}


# Recording an address

def test_the_first_address_of_a_family_sets_its_locality_and_says_so(practitioner, family):
    person = _parent(family, "ox4 1aa")
    assert _locality(family) == "central"
    assert [n.message for n in person.locality_notices] == [
        "The Testfamily family's locality is now LCSS Central, from the postcode OX4 1AA."]
    event = AuditEvent.objects.filter(object_type="people.family", object_id=str(family.pk)).latest("id")
    assert event.detail == {"locality": family.locality_id, "previous_locality": None, "from_postcode": True}


def test_a_parent_moving_to_another_teams_area_changes_the_locality_and_says_from_what(practitioner, family):
    person = _parent(family, "OX4 1AA")
    version = Family.objects.get(pk=family.pk).version
    address = services.person_move_address(actor=practitioner, person=person, address=_address("OX14 3JD"))
    assert _locality(family) == "south"
    assert family.version == version + 1  # a form opened before the move is out of date
    assert [n.message for n in address.locality_notices] == [
        "The Testfamily family's locality has changed from LCSS Central to LCSS South, from the postcode OX14 3JD. "
        "Change it on the family's page if that is wrong."]


def test_a_childs_address_does_not_move_a_family_with_a_parent(practitioner, family):
    _parent(family, "OX4 1AA")
    child = factories.ChildFactory(family=family, address=_address("OX16 5AU"))
    assert _locality(family) == "central"
    assert child.locality_notices == []


def test_a_family_with_no_parent_follows_any_members_address(practitioner, family):
    factories.ChildFactory(family=family, address=_address("OX16 5AU"))
    assert _locality(family) == "north"


def test_a_postcode_outside_the_councils_districts_leaves_the_locality(practitioner, council, family):
    Family.objects.filter(pk=family.pk).update(locality=council.localities.get(code="central"))
    person = _parent(family, "SW1A 1AA")
    assert _locality(family) == "central"
    assert person.locality_notices == []


def test_a_locality_chosen_by_hand_stays_when_the_family_moves_and_the_practitioner_is_told(
        practitioner, council, family):
    person = _parent(family, "OX4 1AA")
    family.refresh_from_db()
    services.family_change_locality(actor=practitioner, family=family, version=family.version,
                                    locality_id=council.localities.get(code="north").pk,
                                    reason="The children go to school in Banbury")
    address = services.person_move_address(actor=practitioner, person=person, address=_address("OX14 3JD"))
    assert _locality(family) == "north"
    assert family.locality_by_hand and family.locality_reason == "The children go to school in Banbury"
    assert [n.message for n in address.locality_notices] == [
        "The postcode OX14 3JD is in LCSS South's area. The Testfamily family's locality stays LCSS North, "
        "because it was chosen by hand: change it on the family's page if the family's team should change."]


# Choosing by hand

def test_choosing_the_locality_by_hand_is_audited_without_the_reason(practitioner, council, family):
    south = council.localities.get(code="south")
    services.family_change_locality(actor=practitioner, family=family, version=family.version,
                                    locality_id=south.pk, reason="Moving to Abingdon next week")
    assert _locality(family) == "south"
    event = AuditEvent.objects.filter(object_type="people.family", object_id=str(family.pk)).latest("id")
    assert event.actor == practitioner and event.action == "update"
    assert event.detail == {"locality": south.pk, "previous_locality": None, "by_hand": True}


def test_choosing_needs_a_locality_of_the_council_and_a_reason(practitioner, other_council, family):
    other = other_council.localities.first()
    with pytest.raises(ValidationFailed) as refused:
        services.family_change_locality(actor=practitioner, family=family, version=family.version,
                                        locality_id=other.pk, reason="  ")
    assert refused.value.errors == {"locality": "Choose the family's locality",
                                    "reason": "Enter why you are changing the family's locality"}
    assert _locality(family) == ""


def test_choosing_from_a_page_out_of_date_changes_nothing(practitioner, council, family):
    stale = family.version
    _parent(family, "OX4 1AA")  # the postcode set the locality since the page was drawn
    with pytest.raises(Conflict, match="Someone else changed this family's record"):
        services.family_change_locality(actor=practitioner, family=family, version=stale,
                                        locality_id=council.localities.get(code="north").pk, reason="School")
    assert _locality(family) == "central"


def test_someone_who_may_not_change_the_family_cannot_choose(other_practitioner, council, family):
    with pytest.raises(NotPermitted):
        services.family_change_locality(actor=other_practitioner, family=family, version=family.version,
                                        locality_id=council.localities.get(code="north").pk, reason="School")


# The pages

def test_the_family_page_shows_the_locality_with_a_change_link(client_for, practitioner, family):
    _parent(family, "OX16 5AU")
    body = client_for(practitioner).get(reverse("families:family", args=[family.pk])).content.decode()
    row = body.split('id="locality"', 1)[1].split("</div>", 1)[0]
    assert "LCSS North" in row
    assert reverse("families:family_locality", args=[family.pk]) in row
    assert "Change<span class=\"govuk-visually-hidden\"> locality</span>" in row


def test_recording_a_new_address_tells_the_practitioner_the_locality_changed(client_for, practitioner, family):
    person = _parent(family, "OX4 1AA", given_name="Jo", sex=Sex.FEMALE)
    client = client_for(practitioner)
    response = client.post(reverse("families:person_address_new", args=[person.pk]), {
        "line_1": "2 High Street", "town": "Banbury", "postcode": "OX16 5AU"}, follow=True)
    body = response.content.decode()
    assert "The new address has been recorded" in body
    assert ("The Testfamily family&#39;s locality has changed from LCSS Central to LCSS North, from the postcode "
            "OX16 5AU.") in body


def test_changing_the_locality_on_its_page(client_for, practitioner, council, family):
    _parent(family, "OX4 1AA")
    family.refresh_from_db()
    client = client_for(practitioner)
    url = reverse("families:family_locality", args=[family.pk])
    form = client.get(url).content.decode()
    assert "Which locality&#39;s team should the family&#39;s records go to?" in form
    assert f'value="{family.locality_id}" checked' in form
    south = council.localities.get(code="south")

    empty = client.post(url, {"locality": south.pk, "reason": "", "version": family.version}).content.decode()
    assert "There is a problem" in empty and "Enter why you are changing the family&#39;s locality" in empty
    assert _locality(family) == "central"

    done = client.post(url, {"locality": south.pk, "reason": "Moving to Abingdon", "version": family.version},
                       follow=True).content.decode()
    assert "The Testfamily family&#39;s locality has been changed." in done
    row = done.split('id="locality"', 1)[1].split("</div>", 1)[0]
    assert "LCSS South" in row and "Chosen by hand: Moving to Abingdon" in row


def test_a_locality_page_out_of_date_says_so_and_keeps_what_was_chosen(client_for, practitioner, council, family):
    client = client_for(practitioner)
    url = reverse("families:family_locality", args=[family.pk])
    stale = family.version
    _parent(family, "OX4 1AA")
    north = council.localities.get(code="north")
    body = client.post(url, {"locality": north.pk, "reason": "School", "version": stale}).content.decode()
    assert "There is a problem" in body and "Someone else changed this family&#39;s record" in body
    assert _locality(family) == "central"


def test_the_locality_page_is_refused_to_someone_outside_the_family(client_for, other_practitioner, family):
    response = client_for(other_practitioner).get(reverse("families:family_locality", args=[family.pk]))
    assert response.status_code == 403
