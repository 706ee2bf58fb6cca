"""Steps on Hearth's pages shared by the browser tests: find the main heading, arrive at a page and check it with
axe, press a button and read the error summary, fill in a GOV.UK date, read a summary list, sign out."""

import datetime
import re

from playwright.sync_api import expect


def heading(page, text):
    return page.get_by_role("heading", level=1, name=text)


def menu(page):
    return page.get_by_role("navigation", name="Menu")


def success(page, text) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def errors(page, *messages) -> None:
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    for message in messages:
        expect(summary).to_contain_text(message)


def arrive(page, axe, title, banner: str | None = None) -> None:
    """The page with this main heading (and this success banner) is shown; then it is checked with axe."""
    expect(heading(page, title)).to_be_visible()
    if banner:
        success(page, banner)
    axe(page)


def refused(page, axe, button: str, *messages) -> None:
    """Press the button with the form as it is: the GOV.UK error summary lists each message."""
    page.get_by_role("button", name=button, exact=True).click()
    errors(page, *messages)
    axe(page)


def click(page, name: str, role: str = "link") -> None:
    page.get_by_role(role, name=name, exact=True).click()


def fill(page, fields: dict[str, str]) -> None:
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)


def fill_date(scope, group: str, date: datetime.date) -> None:
    fieldset = scope.get_by_role("group", name=group, exact=True)
    fieldset.get_by_label("Day").fill(str(date.day))
    fieldset.get_by_label("Month").fill(str(date.month))
    fieldset.get_by_label("Year").fill(str(date.year))


def row(page, key: str):
    """The value beside `key` in the page's summary list."""
    return page.locator(".govuk-summary-list__row").filter(
        has=page.get_by_role("term").filter(has_text=re.compile(f"^{re.escape(key)}$"))).locator(
        ".govuk-summary-list__value").first


def sign_out(page, axe) -> None:
    menu(page).get_by_role("link", name="Sign out").click()
    arrive(page, axe, "Sign out")
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    arrive(page, axe, "Sign in")


def data_protection_home(page, axe) -> None:
    menu(page).get_by_role("link", name="Data protection").click()
    arrive(page, axe, "Data protection")


def find_jo_testwood(page, axe, found: str, choose: str, *, refusal: str | None = None) -> None:
    """On a page that finds a person: searching with nothing is refused (when `refusal` is given); searching for
    Jo Testwood finds one person, said in the element `found`; then the link `choose` is followed."""
    if refusal:
        refused(page, axe, "Search", refusal)
    fill(page, {"Given name": "Jo", "Family name": "Testwood"})
    click(page, "Search", "button")
    expect(page.locator(found)).to_have_text("1 person found")
    axe(page)
    click(page, choose)
