"""Small numbers never identify anyone: the counts a report shows are protected before they leave this module.

A table of counts is published with its totals. A count from 1 to the council's threshold (4 unless its profile
says otherwise) could point at a family, so it is suppressed (primary suppression) and shown as "[c]", the
marker the Government Statistical Service uses for confidential figures. A total that small is suppressed too.

Suppressing one count is not enough when the table shows its totals: a row with one hidden count and a total can
be worked out by subtraction. So more counts are hidden (secondary suppression) until, in every sum the table
shows, no hidden count can be recovered:

- a sum with hidden parts has at least two of them (the total counts as a part when it is hidden), and
- when its total is shown, the hidden parts add up to more than their number. Every hidden count is at least 1
  (zeros are shown, since they identify no one and hiding them would tell a reader nothing), so two hidden counts
  adding to 2 would both be 1: another count is hidden instead.

The counts chosen for secondary suppression are the smallest in the sum (the least information lost), never a
zero, and a total only when nothing else will do. The rules run until nothing changes.

Those two rules look at one sum at a time, and sums combine: in a two-way table the grand total is also the sum of
every count, so three hidden counts that are the only non-zero ones and add up to a shown 3 are each 1. So the
table is then attacked as a reader would attack it (`_pinned`): a linear programme (SciPy's HiGHS) finds the least
and greatest value each hidden count could take given everything shown; while one of them has only one possible
value, one more count is hidden beside it. The test `tests/reports/test_suppression.py` attacks every table
Hypothesis draws with its own reader's attack and fails if any hidden count can be worked out.

Counts are not the only way to learn something: two tables that differ by one filter could be subtracted. Reports
therefore offer filters only over whole areas (locality, team, agency, level), never over anything as narrow as a
person, and each filtered table is protected on its own.
"""

import math
from dataclasses import dataclass

import numpy as np

SUPPRESSED = "[c]"
DEFAULT_THRESHOLD = 4


def threshold_for(council) -> int:
    """The largest count a report hides for this council: `small_number_threshold` in its reporting rules, or 4."""
    value = (getattr(council, "rules", None) or {}).get("small_number_threshold", DEFAULT_THRESHOLD)
    return value if isinstance(value, int) and value >= 1 else DEFAULT_THRESHOLD


@dataclass(frozen=True)
class Protected:
    """A table as it may be published: each count, or None where it is suppressed. `row_totals` is empty for a
    table with one column (a row's total would repeat its one count)."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None

    @property
    def suppressed_any(self) -> bool:
        return (None in self.row_totals or None in self.column_totals or self.total is None
                or any(None in row for row in self.cells))


def protect(cells: list[list[int]], *, threshold: int, row_totals: bool = True) -> Protected:
    """Protect a table of counts (`cells[row][column]`, every row the same length, counts zero or more), adding
    its row totals (when it has more than one column, and `row_totals`: not when its columns are measures that
    overlap, whose sum across would mean nothing), column totals and grand total (the sum of the column totals, or
    with no row totals the total of the first column)."""
    rows = len(cells)
    columns = len(cells[0]) if rows else 0
    if any(len(row) != columns for row in cells):
        raise ValueError("Every row of a table must have the same number of columns")
    if any(v < 0 for row in cells for v in row):
        raise ValueError("Counts cannot be negative")
    with_row_totals = columns > 1 and row_totals
    value: dict[tuple, int] = {("cell", r, c): cells[r][c] for r in range(rows) for c in range(columns)}
    column_totals = [sum(cells[r][c] for r in range(rows)) for c in range(columns)]
    value.update({("column", c): column_totals[c] for c in range(columns)})
    # Each sum the table shows: (its total, its parts).
    sums = [(("column", c), [("cell", r, c) for r in range(rows)]) for c in range(columns)]
    if columns > 1 and not row_totals:
        value[("total",)] = column_totals[0]
        sums.append((("total",), [("column", 0)]))
    else:
        value[("total",)] = sum(column_totals)
        sums.append((("total",), [("column", c) for c in range(columns)]))
    if with_row_totals:
        value.update({("row", r): sum(cells[r]) for r in range(rows)})
        sums += [(("row", r), [("cell", r, c) for c in range(columns)]) for r in range(rows)]
        sums.append((("total",), [("row", r) for r in range(rows)]))

    hidden = {key for key, v in value.items() if 1 <= v <= threshold}
    while True:
        changed = True
        while changed:
            changed = False
            for total, parts in sums:
                extra = _one_more_to_hide(total, parts, value, hidden)
                if extra is not None:
                    hidden.add(extra)
                    changed = True
        pinned = _pinned(value, hidden, sums)
        if pinned is None:
            break
        hidden.add(_beside(pinned, value, hidden, sums))

    def shown(key):
        return None if key in hidden else value[key]

    return Protected(
        cells=[[shown(("cell", r, c)) for c in range(columns)] for r in range(rows)],
        row_totals=[shown(("row", r)) for r in range(rows)] if with_row_totals else [],
        column_totals=[shown(("column", c)) for c in range(columns)],
        total=shown(("total",)))


def _one_more_to_hide(total, parts, value: dict, hidden: set):
    """The count to hide next in one sum, or None when the sum gives nothing away."""
    hidden_parts = [p for p in parts if p in hidden]
    unknowns = len(hidden_parts) + (total in hidden)
    if unknowns == 0:
        return None
    if unknowns >= 2 and (total in hidden or sum(value[p] for p in hidden_parts) > len(hidden_parts)):
        return None
    candidates = [p for p in parts if p not in hidden and value[p] > 0]
    if candidates:
        return min(candidates, key=lambda p: value[p])
    # Nothing else in the sum can be hidden (the rest are zeros): hide its total.
    return total if total not in hidden else None


def _pinned(value: dict, hidden: set, sums: list):
    """A hidden count that everything shown pins to one whole number, or None. The reader knows each shown sum is
    the sum of its parts and each hidden count is at least 1."""
    if not hidden:
        return None
    # Imported here, where it is first needed: SciPy's optimiser takes most of a second to import, which every
    # `hearth` command and every server worker would otherwise pay at start whether or not it shows a report.
    from scipy.optimize import linprog
    unknown = sorted(hidden, key=repr)
    index = {key: i for i, key in enumerate(unknown)}
    rows, right = [], []
    for total, parts in sums:
        row = np.zeros(len(unknown))
        known = 0
        for key, sign in [(total, 1), *((p, -1) for p in parts)]:
            if key in index:
                row[index[key]] += sign
            else:
                known += sign * value[key]
        if row.any():
            rows.append(row)
            right.append(-known)
    bounds = [(1, None)] * len(unknown)
    for key, i in index.items():
        objective = np.zeros(len(unknown))
        objective[i] = 1
        highest = linprog(-objective, A_eq=rows or None, b_eq=right or None, bounds=bounds, method="highs")
        if highest.status == 3:  # no upper limit: it could be anything
            continue
        lowest = linprog(objective, A_eq=rows or None, b_eq=right or None, bounds=bounds, method="highs")
        if math.ceil(lowest.fun - 1e-6) == math.floor(-highest.fun + 1e-6):
            return key
    return None


def _beside(pinned, value: dict, hidden: set, sums: list):
    """The count to hide to protect a pinned one: the smallest non-zero count shown in a sum it is part of (a
    total only when no part will do), else the smallest non-zero count shown anywhere."""
    near = [(total, parts) for total, parts in sums if pinned == total or pinned in parts]
    for choose_from in ([p for _, parts in near for p in parts], [t for t, _ in near], list(value)):
        candidates = [k for k in choose_from if k not in hidden and value[k] > 0]
        if candidates:
            return min(candidates, key=lambda k: (value[k], repr(k)))
    raise AssertionError("a table with every non-zero count hidden pins nothing")


def one_way(counts: list[int], *, threshold: int) -> tuple[list[int | None], int | None]:
    """A list of counts with its total (one column), protected: (the counts as shown, the total as shown)."""
    table = protect([[c] for c in counts], threshold=threshold)
    return [row[0] for row in table.cells], table.total


def apart(cells: list[list[int]], *, threshold: int, within: list[int | None] | None = None) -> Protected:
    """Counts that no figure shown sums (overlapping measures: the families with each need, where a family has
    several), protected one by one: each from 1 to the threshold is hidden. Where each column's counts are parts of
    a total shown elsewhere (`within[column]`), a count is hidden too when the rest of that total (those without)
    would be from 1 to the threshold. No totals are shown here, so none needs secondary suppression."""

    def small(v: int) -> bool:
        return 1 <= v <= threshold

    return Protected(
        cells=[[None if small(v) or (within and within[c] is not None and small(within[c] - v)) else v
                for c, v in enumerate(row)] for row in cells],
        row_totals=[], column_totals=[], total=None)


def shown_as(value: int | None) -> str:
    """How a protected count reads on a page or in a download."""
    return SUPPRESSED if value is None else f"{value:,}"
