"""Small-number suppression (hearth.reports.suppression), attacked as a reader would attack a published table.

The attacker knows everything the table shows, that every count is a whole number, that every shown sum is the sum
of its parts and that a hidden count is at least 1 (zeros are shown). For each hidden count a linear programme
finds the least and the greatest value it could take; if only one whole number fits, the count has been recovered
and the test fails. Hypothesis draws the tables: one-way and two-way, mostly small numbers, many zeros."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from hearth.reports.suppression import Protected, apart, one_way, protect, shown_as, threshold_for


def _published(table: Protected, rows: int, columns: int, *, measures: bool = False):
    """The table as a reader sees it: {key: value or None}, and the sums it shows as (total key, part keys). With
    `measures` its columns are separate measures: no row totals, and the total is the first column's."""
    seen = {("cell", r, c): table.cells[r][c] for r in range(rows) for c in range(columns)}
    seen.update({("column", c): table.column_totals[c] for c in range(columns)})
    seen[("total",)] = table.total
    sums = [(("column", c), [("cell", r, c) for r in range(rows)]) for c in range(columns)]
    sums.append((("total",), [("column", 0)] if measures else [("column", c) for c in range(columns)]))
    if table.row_totals:
        seen.update({("row", r): table.row_totals[r] for r in range(rows)})
        sums += [(("row", r), [("cell", r, c) for c in range(columns)]) for r in range(rows)]
        sums.append((("total",), [("row", r) for r in range(rows)]))
    return seen, sums


def recovered(table: Protected, rows: int, columns: int, *, measures: bool = False) -> list[tuple]:
    """The hidden counts a reader can pin to one value."""
    seen, sums = _published(table, rows, columns, measures=measures)
    unknown = [key for key, value in seen.items() if value is None]
    if not unknown:
        return []
    index = {key: i for i, key in enumerate(unknown)}
    a_eq, b_eq = [], []
    for total, parts in sums:
        row = np.zeros(len(unknown))
        known = 0
        for key, sign in [(total, 1), *((p, -1) for p in parts)]:
            if key in index:
                row[index[key]] += sign
            else:
                known += sign * seen[key]
        if row.any():
            a_eq.append(row)
            b_eq.append(-known)
    pinned = []
    for key, i in index.items():
        objective = np.zeros(len(unknown))
        objective[i] = 1
        bounds = [(1, None)] * len(unknown)
        low = linprog(objective, A_eq=a_eq or None, b_eq=b_eq or None, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq or None, b_eq=b_eq or None, bounds=bounds, method="highs")
        assert low.status == 0, "the published table must be consistent"
        if high.status == 3:  # unbounded above: cannot be pinned
            continue
        lowest, highest = math.ceil(low.fun - 1e-6), math.floor(-high.fun + 1e-6)
        if lowest == highest:
            pinned.append(key)
    return pinned


counts = st.one_of(st.integers(0, 6), st.integers(0, 40))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 6).flatmap(lambda columns: st.lists(st.lists(counts, min_size=columns, max_size=columns),
                                                          min_size=1, max_size=7)),
       st.integers(1, 5))
def test_no_hidden_count_in_a_two_way_table_can_be_worked_out(cells, threshold):
    table = protect(cells, threshold=threshold)
    rows, columns = len(cells), len(cells[0])
    assert recovered(table, rows, columns) == []
    # Every small count is hidden, and every count shown is the true one.
    for r in range(rows):
        for c in range(columns):
            if 1 <= cells[r][c] <= threshold:
                assert table.cells[r][c] is None
            elif table.cells[r][c] is not None:
                assert table.cells[r][c] == cells[r][c]
    if table.total is not None:
        assert table.total == sum(map(sum, cells)) and not 1 <= table.total <= threshold


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 5).flatmap(lambda columns: st.lists(st.lists(counts, min_size=columns, max_size=columns),
                                                          min_size=1, max_size=7)),
       st.integers(1, 5))
def test_no_hidden_count_in_a_table_of_separate_measures_can_be_worked_out(cells, threshold):
    """Columns that overlap (children open now, started, closed): no row totals to add up."""
    table = protect(cells, threshold=threshold, row_totals=False)
    assert table.row_totals == []
    assert recovered(table, len(cells), len(cells[0]), measures=True) == []
    assert all(table.cells[r][c] is None for r, row in enumerate(cells) for c, v in enumerate(row)
               if 1 <= v <= threshold)


@settings(max_examples=200, deadline=None)
@given(st.lists(counts, min_size=1, max_size=12), st.integers(1, 5))
def test_no_hidden_count_in_a_list_with_its_total_can_be_worked_out(values, threshold):
    shown, total = one_way(values, threshold=threshold)
    table = Protected(cells=[[v] for v in shown], row_totals=[], column_totals=[total], total=total)
    assert recovered(table, len(values), 1) == []
    assert all(s is None for v, s in zip(values, shown, strict=True) if 1 <= v <= threshold)


def test_a_single_small_count_beside_a_total_takes_the_next_smallest_with_it():
    shown, total = one_way([40, 3, 12, 0], threshold=4)
    assert (shown, total) == ([40, None, None, 0], 55)


def test_two_ones_beside_a_total_would_both_be_1_so_a_third_count_is_hidden():
    shown, total = one_way([1, 1, 30, 9], threshold=4)
    assert (shown, total) == ([None, None, 30, None], 41)


def test_a_table_with_nothing_small_is_shown_whole():
    table = protect([[10, 20], [30, 40]], threshold=4)
    assert table == Protected(cells=[[10, 20], [30, 40]], row_totals=[30, 70], column_totals=[40, 60], total=100)
    assert not table.suppressed_any


def test_the_attacker_finds_what_naive_suppression_leaves_open():
    """The attack works: hiding only the small counts of a two-way table leaves them recoverable."""
    naive = Protected(cells=[[None, 20], [30, 40]], row_totals=[23, 70], column_totals=[33, 60], total=93)
    assert recovered(naive, 2, 2) == [("cell", 0, 0)]


def test_how_counts_read_and_the_councils_threshold():
    assert (shown_as(None), shown_as(1234)) == ("[c]", "1,234")

    class Council:
        rules = {"small_number_threshold": 9}

    assert threshold_for(Council()) == 9
    Council.rules = {}
    assert threshold_for(Council()) == 4


def test_a_ragged_or_negative_table_is_refused():
    with pytest.raises(ValueError, match="same number of columns"):
        protect([[1, 2], [3]], threshold=4)
    with pytest.raises(ValueError, match="cannot be negative"):
        protect([[-1]], threshold=4)


@settings(max_examples=200, deadline=None)
@given(threshold=st.integers(1, 5), data=st.data())
def test_overlapping_counts_show_no_small_number_directly_or_as_the_rest_of_a_total(threshold, data):
    """`apart`: counts of overlapping measures (each a part of a total shown beside them, such as the families with
    each need among the families worked with). A reader sees each shown count, and the total, so they also know
    how many are without: neither may be from 1 to the threshold. Only the hidden ones are hidden."""
    columns = data.draw(st.integers(1, 3))
    totals = [data.draw(st.integers(0, 30)) for _ in range(columns)]
    rows = data.draw(st.integers(1, 10))
    cells = [[data.draw(st.integers(0, totals[c])) for c in range(columns)] for _ in range(rows)]
    shown_totals = [data.draw(st.one_of(st.just(t), st.none())) for t in totals]  # a total may itself be hidden
    table = apart(cells, threshold=threshold, within=shown_totals)
    for r in range(rows):
        for c in range(columns):
            value, shown = cells[r][c], table.cells[r][c]
            small = 1 <= value <= threshold
            rest_small = shown_totals[c] is not None and 1 <= shown_totals[c] - value <= threshold
            assert shown is None if small or rest_small else shown == value
    assert table.column_totals == [] and table.row_totals == [] and table.total is None
