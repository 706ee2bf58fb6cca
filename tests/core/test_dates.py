"""Ages and dates some years on, one way everywhere (hearth/core/dates.py)."""

from datetime import date

import pytest

from hearth.core import dates


@pytest.mark.parametrize(("born", "on", "age"), [
    (date(2010, 6, 15), date(2026, 6, 14), 15),
    (date(2010, 6, 15), date(2026, 6, 15), 16),
    (date(2012, 2, 29), date(2027, 2, 28), 14),
    (date(2012, 2, 29), date(2027, 3, 1), 15),
    (None, date(2027, 3, 1), None),
])
def test_age_on_a_day(born, on, age):
    assert dates.age_on(born, on) == age


def test_years_on_and_the_adults_cut_off():
    assert dates.add_years(date(2020, 2, 29), 6) == date(2026, 2, 28)
    assert dates.add_years(date(2024, 2, 29), -4) == date(2020, 2, 29)
    cut = dates.born_after_for_under(dates.ADULT_AGE, date(2026, 6, 15))
    assert cut == date(2008, 6, 15)
    assert dates.age_on(cut, date(2026, 6, 15)) == 18 and dates.age_on(date(2008, 6, 16), date(2026, 6, 15)) == 17
