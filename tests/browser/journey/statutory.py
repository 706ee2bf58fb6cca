"""7 to 9: the family is stepped up to MASH and Early Help closes for statutory services; a social worker later
steps the family down, and the new lead professional closes Early Help when the outcomes are achieved."""

import datetime
import re

from playwright.sync_api import expect

from hearth.access import services as access_services
from hearth.access.models import InvolvedAs
from hearth.people.models import Family

from ..pages import arrive, fill_date, heading, menu, sign_out, success
from .common import FAMILY, FINAL_COMMENTS, open_episode_from_family, sign_in_as, summary_value, uk


def family_is_stepped_up_and_early_help_closes(page, axe, people) -> None:
    """7. Step up to MASH without consent; MASH starts a social-work assessment; Early Help closes."""
    page.get_by_role("link", name="Step up to MASH").click()
    arrive(page, axe, "Step up to MASH")
    page.get_by_label("Why are you referring the family to MASH?").fill(
        "Mia told her teacher that mum's new partner hit Leo. Bruising seen on Leo's arm at nursery today.")
    page.get_by_label("What has the plan tried so far?").fill("A morning routine chart and money advice.")
    page.get_by_role("group", name="Did you seek the family's consent to this referral?").get_by_label(
        "No", exact=True).check()
    page.get_by_label("If not, why not?").fill("Seeking consent would increase the risk to the children.")
    page.get_by_role("button", name="Send the referral to MASH").click()
    expect(heading(page, "Early Help")).to_be_visible()
    success(page, "The family has been referred to MASH. The reference is ")
    expect(summary_value(page, "Status")).to_have_text("Stepped up: waiting for MASH")
    step_up_reference = re.search(r"RFS-\d{4}-\d{6}", page.locator(".govuk-notification-banner--success")
                                  .inner_text()).group(0)
    axe(page)
    sign_out(page, axe)

    sign_in_as(page, axe, people["screener"])
    menu(page).get_by_role("link", name="Requests for support").click()
    arrive(page, axe, "Requests for support and referrals")
    page.get_by_role("table", name=re.compile("^Waiting for screening")).get_by_role(
        "link", name=step_up_reference).click()
    expect(heading(page, step_up_reference)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Seeking consent would increase the risk to the children.")
    axe(page)
    page.get_by_role("link", name="Screen this referral").click()
    arrive(page, axe, f"Screen {step_up_reference}")
    page.get_by_role("group", name="Level of need").get_by_label("Level 4: Critical").check()
    page.get_by_label("Reasons for the level of need").fill("An allegation of physical harm to a young child.")
    page.get_by_role("group", name="Decision").get_by_label("A social-work (single) assessment").check()
    page.get_by_label("Message to the person who asked").fill(
        "A social worker will start a single assessment today. Please keep Early Help going meanwhile.")
    page.get_by_role("button", name="Record the decision").click()
    arrive(page, axe, "Requests for support and referrals",
           f"The decision on {step_up_reference} has been recorded: a social-work (single) assessment.")
    sign_out(page, axe)

    sign_in_as(page, axe, people["lead"])
    page.get_by_role("table", name="Families you work with").get_by_role("link", name=FAMILY).click()
    arrive(page, axe, FAMILY)
    open_episode_from_family(page, axe)
    expect(summary_value(page, "Status")).to_have_text("Social-work assessment under way (Early Help continues)")
    expect(summary_value(page, "Level of need")).to_have_text("Level 4: Critical")
    page.get_by_role("link", name="Close Early Help").click()
    settle_outcomes_then_arrive_at_closing(page, axe, "No longer needed")
    page.get_by_role("group", name="Why is Early Help closing?").get_by_label(
        re.compile("needs support from statutory services")).check()
    open_actions = page.get_by_role("group", name="What should happen to the open actions?")
    if open_actions.count():
        open_actions.get_by_label("Pass them to universal or another service").check()
    page.get_by_label("More detail").fill("Children's social care has started a single assessment.")
    page.get_by_role("button", name="Close Early Help").click()
    expect(heading(page, "Early Help (closed)")).to_be_visible()
    success(page, "Early Help has been closed for this family.")
    expect(summary_value(page, "Closed")).to_contain_text("needs support from statutory services")
    axe(page)
    sign_out(page, axe)


def settle_outcomes_then_arrive_at_closing(page, axe, how: str) -> None:
    """"Close Early Help" asks first how each outcome still being worked towards ended, when there is one; then the
    closure page."""
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("How each outcome ended|Close Early Help"))
    if heading(page, "How each outcome ended").count():
        axe(page)
        for choice in page.get_by_label(how, exact=True).all():
            choice.check()
        page.get_by_role("button", name="Save and continue to closing").click()
        arrive(page, axe, "Close Early Help", "How each outcome ended has been recorded.")
    else:
        arrive(page, axe, "Close Early Help")


def social_worker_steps_the_family_down(page, axe, people, today: datetime.date) -> None:
    """8. When the Child in Need plan ends, the social worker steps the family down to a new lead."""
    # Children's social care allocates its social workers in its own system; Hearth records the allocation as
    # an involvement, as the demo data does.
    family = Family.objects.get(name=FAMILY)
    access_services.involvement_start(actor=people["social_worker"], family=family, user=people["social_worker"],
                                      relationship=InvolvedAs.SOCIAL_WORK)

    sign_in_as(page, axe, people["social_worker"])
    page.get_by_role("table", name="Families you work with").get_by_role("link", name=FAMILY).click()
    expect(heading(page, FAMILY)).to_be_visible()
    expect(page.locator("#past-episodes")).to_contain_text("needs support from statutory services")
    axe(page)
    page.get_by_role("link", name="Step down from social care").click()
    arrive(page, axe, "Step down to Early Help")
    page.get_by_label("New lead professional").select_option(label="Tom Reed (Cherwell Family Hub)")
    page.get_by_role("group", name="Level of need").get_by_label("Level 2: Vulnerable").check()
    page.get_by_label("Main reason for Early Help").select_option(label="Family in acute stress")
    ended = today - datetime.timedelta(days=2)
    fill_date(page, "Date the Child in Need plan ended", ended)
    page.get_by_label("The single assessment").fill("Single assessment: the allegation was not substantiated. "
                                                    "Mum's partner has left the home.")
    page.get_by_label("The Child in Need plan").fill("Keep the morning routine going; money advice continues.")
    page.get_by_role("button", name="Step down to Early Help").click()

    expect(heading(page, "Early Help")).to_be_visible()
    success(page, f"{FAMILY} has been stepped down to Early Help. Tom Reed is the lead professional.")
    expect(summary_value(page, "Status")).to_have_text("Plan in place")
    expect(summary_value(page, "Level of need")).to_have_text("Level 2: Vulnerable")
    expect(summary_value(page, "Lead professional")).to_contain_text("Tom Reed, Cherwell Family Hub")
    expect(summary_value(page, "Next review")).to_have_text(uk(today + datetime.timedelta(weeks=6)))
    expect(page.locator("#referrals-panel")).to_contain_text(uk(ended))
    axe(page)
    sign_out(page, axe)


def new_lead_closes_early_help(page, axe, people) -> None:
    """9. The new lead professional closes Early Help: outcomes achieved, in the family's words."""
    sign_in_as(page, axe, people["new_lead"])
    page.get_by_role("table", name="Families you work with").get_by_role("link", name=FAMILY).click()
    arrive(page, axe, FAMILY)
    open_episode_from_family(page, axe)
    page.get_by_role("link", name="Close Early Help").click()
    settle_outcomes_then_arrive_at_closing(page, axe, "Achieved")
    page.get_by_role("group", name="Why is Early Help closing?").get_by_label(
        "Desired outcomes have been achieved").check()
    page.get_by_label("The family's final comments").fill(FINAL_COMMENTS)
    page.get_by_role("group", name="How helpful did the family find Early Help?").get_by_label(
        "Very helpful", exact=True).check()
    page.get_by_label("Evaluation: what worked and what did not").fill(
        "The routine chart worked; the money advice took too long to start.")
    page.get_by_role("button", name="Close Early Help").click()

    expect(heading(page, "Early Help (closed)")).to_be_visible()
    success(page, "Early Help has been closed for this family.")
    expect(summary_value(page, "Status")).to_have_text("Closed")
    expect(summary_value(page, "Closed")).to_contain_text("Desired outcomes have been achieved")
    expect(summary_value(page, "The family's final comments")).to_have_text(FINAL_COMMENTS)
    expect(summary_value(page, "Evaluation")).to_contain_text("Rated 5 out of 5.")
    axe(page)
