"""Reading a report's tables from its page, as a reader's eye would: each row's heading and its cells."""

import re


def table_rows(page: str, table_id: str, *, headings: bool = False) -> dict[str, list[str]]:
    """{row heading: [cell text, ...]} for the table with this id; with `headings`, its column headings too, under
    the key ""."""
    found = re.search(rf'<table class="govuk-table" id="{table_id}">(.*?)</table>', page, re.S)
    assert found, f"no table {table_id}"
    rows = {"": re.findall(r'<th scope="col"[^>]*>(.*?)</th>', found.group(1))} if headings else {}
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", found.group(1), re.S)[1:]:
        heading = re.search(r'<th scope="row"[^>]*>(.*?)</th>', row, re.S).group(1).strip()
        rows[heading] = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    return rows
