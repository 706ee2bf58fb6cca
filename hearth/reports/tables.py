"""A report's tables as they leave the reports app: protected counts (`suppression.Protected`) with their labels,
the chart drawn from them, and the CSV lines of a download. Nothing here sees a count before it is protected."""

import csv
import io
from dataclasses import dataclass

from django.http import HttpResponse, StreamingHttpResponse
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table as Sheet
from odf.table import TableCell, TableRow
from odf.text import P

from hearth.reports import charts
from hearth.reports.suppression import SUPPRESSED, Protected, shown_as


@dataclass(frozen=True)
class Table:
    key: str  # the table's id on the page
    title: str
    row_heading: str
    rows: list[str]
    columns: list[str]  # empty for a list of counts with its total
    table: Protected
    columns_are: str = ""  # what the columns count by, for the caption: "stage"
    count_heading: str = "Count"  # the heading of the one column of a list
    totals: bool = True  # False for counts that overlap (`suppression.apart`), whose sums would mean nothing

    @property
    def has_total_column(self) -> bool:
        return bool(self.columns and self.table.row_totals)

    @property
    def row_totals(self) -> list[int | None]:
        """What the chart draws: each row's total, or its first column when the columns are separate measures."""
        return self.table.row_totals if self.has_total_column else [row[0] for row in self.table.cells]

    def chart(self) -> str:
        rows = list(zip(self.rows, self.row_totals, strict=True))
        described = ", ".join(f"{label}: {shown_as(value)}" for label, value in rows[:12])
        more = "" if len(rows) <= 12 else ", and more in the table"
        title = self.title if self.has_total_column or not self.columns else f"{self.title}: {self.columns[0]}"
        return charts.bar_chart(title, f"One bar for each row of the table beside it. {described}{more}.", rows)

    def lines(self) -> list[list[str]]:
        """The table as the rows of a CSV file: its title, headings, one line a row, its totals."""
        totals = self.has_total_column and self.totals
        heading = [self.row_heading, *(self.columns or [self.count_heading])] + (["Total"] if totals else [])
        body = []
        for i, label in enumerate(self.rows):
            body.append([label, *map(cell, self.table.cells[i])] + ([cell(self.table.row_totals[i])]
                                                                    if totals else []))
        if not self.totals:
            return [[self.title], heading, *body]
        total = ["Total", *map(cell, self.table.column_totals)] + ([cell(self.table.total)] if totals else [])
        return [[self.title], heading, *body, total]


def cell(value: int | None) -> str:
    return SUPPRESSED if value is None else str(value)


def csv_lines(tables: list[Table], notes: list[str], *, before=()):
    """Any lines `before` (a table of another shape, as lists), then the tables one after another, a blank line
    between, then the notes: each line as CSV text."""

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    for line in before:
        yield writer.writerow(line)
    if before:
        yield writer.writerow([])
    for i, table in enumerate(tables):
        if i:
            yield writer.writerow([])
        for line in table.lines():
            yield writer.writerow(line)
    yield writer.writerow([])
    for note in notes:
        yield writer.writerow([note])


def _sheet(name: str, lines: list[list[str]]) -> Sheet:
    """A sheet named for its table: within the 31 characters other spreadsheets allow, cut at a word (the table's
    whole title is its first line)."""
    sheet = Sheet(name=name if len(name) <= 31 else name[:31].rsplit(" ", 1)[0])
    for line in lines:
        row = TableRow()
        for value in line:
            number = value.replace(",", "") if isinstance(value, str) else value
            if isinstance(number, str) and number.lstrip("+-").replace(".", "", 1).isdigit():
                cell = TableCell(valuetype="float", value=number)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value)))
            row.addElement(cell)
        sheet.addElement(row)
    return sheet


def ods_bytes(tables: list[Table], notes: list[str], *, before=()) -> bytes:
    """The same as `csv_lines`, as an OpenDocument spreadsheet: any lines `before` on a sheet of their own, one
    sheet a table, and the notes on the last. Numbers are numbers; "[c]" stays text. Tables are small: made in
    memory."""
    document = OpenDocumentSpreadsheet()
    if before:
        document.spreadsheet.addElement(_sheet(before[0][0], list(before)))
    for table in tables:
        document.spreadsheet.addElement(_sheet(table.title, table.lines()))
    document.spreadsheet.addElement(_sheet("About these figures", [[n] for n in notes]))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOWNLOADS = ("csv", "ods")


def download(kind: str, tables: list[Table], notes: list[str], *, filename: str, before=()):
    """The tables as a file to download (`kind` one of DOWNLOADS), named `filename`.<kind>."""
    if kind == "ods":
        response = HttpResponse(ods_bytes(tables, notes, before=before), content_type=ODS)
    else:
        response = StreamingHttpResponse(csv_lines(tables, notes, before=before),
                                         content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    return response
