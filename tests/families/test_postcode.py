"""A postcode that is not one gets one clear message, however it is wrong."""

import pytest
from django.urls import reverse

from hearth.families.forms import AddressForm, SearchForm
from hearth.people.models import Address


@pytest.mark.parametrize("typed", ["NOTAPOSTCODE", "OX1 1AAAAA", "XX1", "12345678", "OX4 3LX" * 40])
def test_a_bad_postcode_gives_one_message(typed):
    address = AddressForm({"line_1": "1 Elm Row", "town": "Oxford", "postcode": typed}, required=True)
    search = SearchForm({"postcode": typed})
    for form in (address, search):
        assert not form.is_valid()
        assert form.errors["postcode"] == ["Enter a real UK postcode, like OX4 3LX"]


@pytest.mark.parametrize(("typed", "kept"), [("ox43lx", "OX4 3LX"), (" SW1A  1AA ", "SW1A 1AA")])
def test_a_postcode_is_read_however_it_is_spaced(typed, kept):
    form = AddressForm({"line_1": "1 Elm Row", "town": "Oxford", "postcode": typed}, required=True)
    assert form.is_valid()
    assert form.cleaned_data["postcode"] == kept


def test_the_address_page_shows_the_one_message_once(client_for, practitioner, mum):
    body = client_for(practitioner).post(reverse("families:person_address_new", args=[mum.pk]), {
        "line_1": "2 High Street", "town": "Banbury", "postcode": "NOTAPOSTCODE"}).content.decode()
    assert "There is a problem" in body
    assert body.count("Enter a real UK postcode, like OX4 3LX") == 2  # the summary's link and the field's message
    assert "characters or fewer" not in body
    assert Address.objects.filter(person=mum).count() == 1
