import pytest
from hypothesis import given
from hypothesis import strategies as st

from hearth.core import identifiers as ids


@pytest.mark.parametrize("value", ["943 476 5919", "9434765919", "401-023-2137"])
def test_valid_nhs_numbers_are_accepted_and_normalised(value):
    assert len(ids.clean_nhs_number(value)) == 10


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9434765918", "check digit"),
        ("12345", "10 digits"),
        ("abcdefghij", "10 digits"),
    ],
)
def test_invalid_nhs_numbers_are_refused_in_plain_english(value, message):
    with pytest.raises(ValueError, match=message):
        ids.clean_nhs_number(value)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_nhs_number_built_with_its_check_digit_is_valid(first_nine):
    check = ids.nhs_check_digit(first_nine)
    if check is None:
        return
    assert ids.clean_nhs_number(first_nine + str(check)) == first_nine + str(check)


def test_upn_check_letter_is_verified():
    rest = "801200199001"
    good = ids.upn_check_letter(rest) + rest
    assert ids.clean_upn(good.lower()) == good
    wrong = next(letter for letter in "ABC" if letter != good[0]) + rest
    with pytest.raises(ValueError, match="check letter"):
        ids.clean_upn(wrong)


def test_temporary_upn_with_final_letter_is_accepted():
    rest = "80120019900A"
    assert ids.clean_upn(ids.upn_check_letter(rest) + rest).endswith("A")


@pytest.mark.parametrize("value", ["AB 12 34 56 C", "ce123456d"])
def test_ni_numbers_in_the_right_format_are_accepted(value):
    assert len(ids.clean_ni_number(value)) == 9


@pytest.mark.parametrize("value", ["GB123456A", "QQ123456E", "DA123456A", "Q1234567A"])
def test_ni_numbers_in_the_wrong_format_are_refused(value):
    with pytest.raises(ValueError, match="National Insurance"):
        ids.clean_ni_number(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ox43lx", "OX4 3LX"), ("SW1A 1AA", "SW1A 1AA"), ("m1 1ae", "M1 1AE"), ("GL1 2TH", "GL1 2TH")],
)
def test_postcodes_are_normalised(value, expected):
    assert ids.clean_postcode(value) == expected


@pytest.mark.parametrize("value", ["", "OX4", "12345", "QX4 3LX", "OX4 3LI"])
def test_malformed_postcodes_are_refused(value):
    with pytest.raises(ValueError, match="real UK postcode"):
        ids.clean_postcode(value)
