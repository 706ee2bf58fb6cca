"""The analyst's reports as an analyst uses them: signing in lands on the reports, the caseload report shows its
chart beside its table with small counts hidden as [c], counting by lead professional and filtering by level work
from the form, another choice the form does not offer is refused with the error summary, and every page passes axe
at 1280 and 320 px."""

import pytest
from playwright.sync_api import expect

from hearth.accounts.models import Role
from hearth.cases import services as cases_services
from hearth.families import services as people_services

from .conftest import sign_in
from .pages import arrive, click, errors

pytestmark = pytest.mark.browser


def test_the_analyst_reads_the_caseload_with_small_counts_hidden(page, axe, practitioner, make_user):
    analyst = make_user("ali.rahman@example.test", "Ali Rahman", "Performance", roles=(Role.ANALYST,))
    for i in range(7):
        family = people_services.family_create(actor=practitioner, name=f"The Caseload {i} family")
        cases_services.episode_open(actor=practitioner, family=family, reason="N4", level=2 if i < 6 else 3,
                                    lead=practitioner)

    sign_in(page, axe, analyst)
    arrive(page, axe, "Reports")
    click(page, "Caseload")
    arrive(page, axe, "Caseload")
    expect(page.locator("#open-total")).to_have_text("7")
    chart = page.get_by_role("img", name="Open episodes by team of the lead professional")
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name="Open episodes by team of the lead professional and stage")
    expect(table).to_contain_text("No team recorded")

    page.get_by_label("Count by", exact=True).select_option(label="Level of need")
    page.get_by_role("button", name="Show").click()
    arrive(page, axe, "Caseload")
    table = page.get_by_role("table", name="Open episodes by level of need and stage")
    level_3 = table.get_by_role("row", name="Level 3")
    expect(level_3).to_contain_text("[c]")  # one family: hidden
    expect(table.get_by_role("row", name="Level 2")).to_contain_text("[c]")  # 6 - [c] would give Level 3 away

    page.goto("/reports/caseload?level=9")
    errors(page, "Choose a level of need from the list")
    axe(page)
    expect(page.locator("#caseload")).to_have_count(0)


def test_the_flow_report_counts_a_period_and_refuses_one_that_ends_before_it_starts(page, axe, practitioner,
                                                                                    make_user):
    analyst = make_user("ali.rahman@example.test", "Ali Rahman", "Performance", roles=(Role.ANALYST,))
    for i in range(6):
        family = people_services.family_create(actor=practitioner, name=f"The Flowing {i} family")
        cases_services.episode_open(actor=practitioner, family=family, reason="N4", level=2, lead=practitioner)

    sign_in(page, axe, analyst)
    click(page, "Flow: what came in and went out")
    arrive(page, axe, "Flow: what came in and went out")
    table = page.get_by_role("table", name="Early Help episodes opened, by how they began")
    expect(table.get_by_role("row", name="Started by a practitioner with the family")).to_contain_text("6")

    for part, value in (("Day", "10"), ("Month", "6"), ("Year", "2026")):
        page.get_by_role("group", name="From").get_by_label(part).fill(value)
    for part, value in (("Day", "1"), ("Month", "6"), ("Year", "2026")):
        page.get_by_role("group", name="To").get_by_label(part).fill(value)
    page.get_by_role("button", name="Show").click()
    errors(page, "The end of the period must be the same as or after its start")
    axe(page)
    expect(page.locator("#opened")).to_have_count(0)


def test_every_report_and_the_extracts_page_pass_axe_at_both_widths(page, axe, practitioner, make_user):
    analyst = make_user("ali.rahman@example.test", "Ali Rahman", "Performance", roles=(Role.ANALYST,))
    for i in range(6):
        family = people_services.family_create(actor=practitioner, name=f"The Checked {i} family")
        cases_services.episode_open(actor=practitioner, family=family, reason="N4", level=2, lead=practitioner)
    sign_in(page, axe, analyst)  # lands on the reports, checked there
    for path, heading in (("/reports/timeliness", "Timeliness"), ("/reports/outcomes", "Outcomes"),
                          ("/reports/equality", "Equality: children in Early Help")):
        page.goto(path)
        arrive(page, axe, heading)
    expect(page.locator("#equality-none")).to_have_text("None in this period or for these filters.")  # no children
    page.goto("/reports/extracts")
    arrive(page, axe, "Extracts")
    expect(page.get_by_role("button", name="Make the pseudonymised extract")).to_be_visible()
    expect(page.get_by_role("button", name="Make the Standard Safeguarding Dataset extract")).to_have_count(0)
