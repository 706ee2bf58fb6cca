"""Break-glass access: opening a family outside the policy in an emergency, the alert, the family page's
banner, and the review by the data protection officer and the user's manager."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import include, path
from django.utils import timezone

import hearth.urls as root_urls
from hearth.access import grants, policy, services
from hearth.access.models import BreakGlass, Grant, InvolvedAs, Route
from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.families import services as people_services
from hearth.people.models import Family, Sex
from tests.queue import run_jobs

# Until hearth/urls.py includes hearth.access.urls, these tests serve it themselves.
urlpatterns = list(root_urls.urlpatterns)
if not any(getattr(p, "app_name", None) == "access" for p in urlpatterns):
    urlpatterns.append(path("", include("hearth.access.urls")))
handler403 = root_urls.handler403
handler404 = root_urls.handler404
handler500 = root_urls.handler500

REASON = "Police report a child at the address may be at immediate risk tonight; the lead is unreachable"


@pytest.fixture(autouse=True)
def _urls(settings):
    settings.ROOT_URLCONF = __name__


@pytest.fixture
def manager(make):
    return make("max.manager@example.test", Role.MANAGER)


@pytest.fixture
def screener(make, team, manager):
    team.manager = manager
    team.save()
    return make("sam.screener@example.test", Role.MASH_SCREENER, kind="social_care", agency_name="MASH", team=team)


@pytest.fixture
def use(screener, family):
    return services.break_glass_open(actor=screener, family=family, reason=REASON)


def _expire(use):
    """Move the use's end into the past, as time passing would: its stored grant ends with it."""
    past = timezone.now() - timedelta(minutes=1)
    BreakGlass.objects.filter(pk=use.pk).update(expires_at=past)
    Grant.objects.filter(family_id=use.family_id, user_id=use.user_id, route=Route.BREAK_GLASS).update(expires_at=past)
    grants.changed()


# Opening


def test_a_mash_screener_not_involved_cannot_see_the_family(client_for, screener, family):
    assert not policy.can_view_family(screener, family)
    assert client_for(screener).get(f"/families/{family.pk}").status_code == 403


def test_opening_with_a_reason_gives_sight_of_the_family_for_four_hours(screener, family):
    before = timezone.now()
    use = services.break_glass_open(actor=screener, family=family, reason=f"  {REASON}  ")
    assert policy.can_view_family(screener, family)
    assert use.reason == REASON and use.user == screener
    assert before + timedelta(minutes=240) <= use.expires_at <= timezone.now() + timedelta(minutes=240)
    event = AuditEvent.objects.get(object_type="access.breakglass", action=AuditAction.CREATE)
    assert event.family_id == family.pk and event.detail == {"break_glass": True} and event.actor == screener


def test_the_length_of_access_comes_from_the_setting(settings, screener, family):
    settings.HEARTH_BREAK_GLASS_MINUTES = 30
    use = services.break_glass_open(actor=screener, family=family, reason=REASON)
    assert use.expires_at - use.started_at == timedelta(minutes=30)
    assert services.duration_text() == "30 minutes"


def test_a_social_worker_may_break_glass_too(make, family):
    social_worker = make("sol.sw@example.test", Role.SOCIAL_WORKER)
    services.break_glass_open(actor=social_worker, family=family, reason=REASON)
    assert policy.can_view_family(social_worker, family)


def test_after_expiry_the_family_is_hidden_again(client_for, screener, family, use):
    client = client_for(screener)
    assert client.get(f"/families/{family.pk}").status_code == 200
    assert policy.active_break_glass(screener, family) == use
    _expire(use)
    assert not policy.can_view_family(screener, family) and policy.active_break_glass(screener, family) is None
    assert client.get(f"/families/{family.pk}").status_code == 403


def test_the_stored_grant_is_not_trusted_past_its_expiry_though_nothing_has_run(screener, family, use):
    assert policy.can_view_family(screener, family)
    with time_machine.travel(use.expires_at + timedelta(seconds=1)):
        assert Grant.objects.filter(user=screener, family=family).exists()  # still stored: no job has run
        assert not policy.can_view_family(screener, family)
        assert not policy.families_visible_to(screener).filter(pk=family.pk).exists()


@pytest.mark.parametrize("reason", ["", "   ", "Urgent, child at risk"[:19]])
def test_a_reason_shorter_than_twenty_characters_is_refused(screener, family, reason):
    with pytest.raises(ValidationFailed) as refused:
        services.break_glass_open(actor=screener, family=family, reason=reason)
    assert refused.value.errors == {"reason": services.REASON_TOO_SHORT}
    assert not BreakGlass.objects.exists() and not mail.outbox


def test_a_practitioner_cannot_break_glass(other_practitioner, family):
    with pytest.raises(NotPermitted):
        services.break_glass_open(actor=other_practitioner, family=family, reason=REASON)
    assert not BreakGlass.objects.exists()


def test_someone_who_already_sees_the_family_is_refused(screener, family, involve):
    involve(family, screener, InvolvedAs.MASH)
    with pytest.raises(Conflict, match="You already have access to this family"):
        services.break_glass_open(actor=screener, family=family, reason=REASON)


def test_an_active_break_glass_is_not_opened_twice(screener, family, use):
    with pytest.raises(Conflict, match="You already have access to this family"):
        services.break_glass_open(actor=screener, family=family, reason=REASON)
    _expire(use)
    services.break_glass_open(actor=screener, family=family, reason=REASON)
    assert BreakGlass.objects.count() == 2


@pytest.fixture
def other_family(other_council):
    from conftest import make_user

    other = make_user(other_council, "gil.glos@example.test", [Role.PRACTITIONER])
    return people_services.family_create(actor=other, name="The Otherplace family")


def test_another_councils_family_is_refused(client_for, screener, other_family):
    with pytest.raises(NotPermitted):
        services.break_glass_open(actor=screener, family=other_family, reason=REASON)
    client = client_for(screener)
    assert client.get(f"/families/{other_family.pk}/break-glass").status_code == 403
    assert client.post(f"/families/{other_family.pk}/break-glass", {"reason": REASON}).status_code == 403
    assert not BreakGlass.objects.exists()


# The alert


def test_the_alert_goes_to_the_dpo_and_the_manager_without_the_family_name(council, screener, manager, dpo, family):
    council.contacts = {**council.contacts, "dpo_email": "dpo@council.example.test"}
    council.save()
    use = services.break_glass_open(actor=screener, family=Family.objects.get(pk=family.pk), reason=REASON)
    run_jobs()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([dpo.email, manager.email, "dpo@council.example.test"])
    message = mail.outbox[0]
    text = message.subject + message.body
    assert "review" in text and "Sam Screener" in text and "MASH screener" in text
    assert "/break-glass/reviews" in message.body and f"Break-glass reference: {use.pk}" in message.body
    assert timezone.localtime(use.expires_at).strftime("%-d %B %Y") in message.body
    for secret in ("Testfamily", family.name, REASON, "immediate risk"):
        assert secret not in text


def test_the_alert_skips_a_dpo_of_another_council_and_the_user_themselves(other_council, make, screener, family):
    from conftest import make_user

    make_user(other_council, "far.dpo@example.test", [Role.DPO])
    screener.team.manager = screener
    screener.team.save()
    services.break_glass_open(actor=screener, family=family, reason=REASON)
    assert [m.to for m in mail.outbox] == []


# Pages


def test_the_break_glass_page_warns_and_shows_nothing_about_the_family(client_for, screener, family):
    page = client_for(screener).get(f"/families/{family.pk}/break-glass").content.decode()
    assert f"Family record {family.pk}" in page
    assert "everything you look at is logged" in page and "your access ends after 4 hours" in page
    assert "Testfamily" not in page


def test_opening_from_the_page_redirects_to_the_family(client_for, screener, family):
    client = client_for(screener)
    response = client.post(f"/families/{family.pk}/break-glass", {"reason": REASON})
    assert response.status_code == 302 and response["Location"] == f"/families/{family.pk}"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "The Testfamily family" in page.content.decode()
    assert "You have break-glass access to this family until" in page.content.decode()


def test_a_short_reason_on_the_page_shows_the_error(client_for, screener, family):
    page = client_for(screener).post(f"/families/{family.pk}/break-glass", {"reason": "Need to look"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "There is a problem" in text and services.REASON_TOO_SHORT in text and "Need to look" in text
    assert not BreakGlass.objects.exists()


def test_a_practitioner_gets_a_403_on_the_break_glass_page(client_for, other_practitioner, family):
    client = client_for(other_practitioner)
    assert client.get(f"/families/{family.pk}/break-glass").status_code == 403
    assert client.post(f"/families/{family.pk}/break-glass", {"reason": REASON}).status_code == 403
    assert not BreakGlass.objects.exists()


def test_someone_who_can_see_the_family_is_sent_to_it(client_for, screener, family, use):
    response = client_for(screener).get(f"/families/{family.pk}/break-glass")
    assert response.status_code == 302 and response["Location"] == f"/families/{family.pk}"


def test_a_second_post_is_refused_on_the_form(client_for, screener, family, use):
    page = client_for(screener).post(f"/families/{family.pk}/break-glass", {"reason": REASON})
    assert page.status_code == 200 and "You already have access to this family" in page.content.decode()
    assert BreakGlass.objects.count() == 1


def test_a_hidden_match_offers_break_glass_only_to_break_glass_roles(client_for, practitioner, screener,
                                                                     other_practitioner, family):
    people_services.person_create(actor=practitioner, family=family, role="parent_pr",
                                  data={"given_name": "Rosa", "family_name": "Canary", "sex": Sex.FEMALE})
    query = "/families/start?given_name=Rosa&family_name=Canary"
    page = client_for(screener).get(query).content.decode()
    assert "A record you cannot see" in page and "Open in an emergency (break-glass)" in page
    assert f"/families/{family.pk}/break-glass" in page and "Testfamily" not in page
    page = client_for(other_practitioner).get(query).content.decode()
    assert "A record you cannot see" in page and "break-glass" not in page


# The banner


def _banner(user, family):
    request = RequestFactory().get(f"/families/{family.pk}")
    request.user = user
    return render_to_string("access/_break_glass_banner.html",
                            {"break_glass": services.break_glass_panel(user, family)}, request=request)


def test_the_banner_shows_the_lead_who_opened_it_why_and_until_when(practitioner, screener, family, use):
    html = _banner(practitioner, family)
    assert "Break-glass access" in html and "Sam Screener, MASH" in html and REASON in html
    assert timezone.localtime(use.expires_at).strftime("%-d %B %Y") in html
    assert "You</strong>" in _banner(screener, family)


def test_there_is_no_banner_once_access_has_ended(practitioner, family, use):
    _expire(use)
    assert services.break_glass_panel(practitioner, family)["active"] == []
    assert "Break-glass" not in _banner(practitioner, family)


def test_the_banner_is_empty_for_someone_who_cannot_see_the_family(other_practitioner, family, use):
    assert services.break_glass_panel(other_practitioner, family)["active"] == []


def test_the_banner_needs_one_query_however_many_uses(make, practitioner, family, django_assert_num_queries):
    for n in range(3):
        user = make(f"s{n}.screener@example.test", Role.MASH_SCREENER)
        services.break_glass_open(actor=user, family=family, reason=REASON)
    practitioner.role_set, practitioner.agency  # noqa: B018 - loaded by the family page already
    policy.decision(practitioner, family)  # asked once by the family page, with the family
    with django_assert_num_queries(1):
        panel = services.break_glass_panel(practitioner, family)
        [u.user.agency.name for u in panel["active"]]
    assert len(panel["active"]) == 3


# Review


def test_the_dpo_sees_unreviewed_uses_first_and_reviews_one(client_for, dpo, screener, family, use, make):
    earlier = services.break_glass_open(actor=make("s2.screener@example.test", Role.MASH_SCREENER),
                                        family=family, reason=REASON)
    services.break_glass_review(actor=dpo, break_glass=earlier, note="Checked with the MASH manager: justified")
    client = client_for(dpo)
    page = client.get("/break-glass/reviews").content.decode()
    assert page.index("Sam Screener") < page.index("S2 Screener")
    assert "Not reviewed" in page and "Active" in page and str(family.pk) in page and REASON in page
    assert "Testfamily" not in page
    response = client.post(f"/break-glass/{use.pk}/review", {"note": "Justified: police request, same night"})
    assert response.status_code == 302 and response["Location"] == "/break-glass/reviews"
    use.refresh_from_db()
    assert use.reviewed_by == dpo and use.reviewed_at and use.review_note == "Justified: police request, same night"
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="access.breakglass",
                                     object_id=str(use.pk), actor=dpo).exists()
    page = client.get("/break-glass/reviews").content.decode()
    assert "Not reviewed" not in page and "Justified: police request, same night" in page


def test_the_list_shows_expired_uses_as_expired(client_for, dpo, use):
    _expire(use)
    page = client_for(dpo).get("/break-glass/reviews").content.decode()
    assert "Expired" in page and "Active" not in page


def test_a_review_needs_a_note(client_for, dpo, use):
    with pytest.raises(ValidationFailed):
        services.break_glass_review(actor=dpo, break_glass=use, note="  ")
    page = client_for(dpo).post(f"/break-glass/{use.pk}/review", {"note": ""})
    assert page.status_code == 200 and services.NOTE_REQUIRED in page.content.decode()
    use.refresh_from_db()
    assert use.reviewed_at is None


def test_no_one_reviews_their_own_use(client_for, make, family):
    dpo_screener = make("dual.role@example.test", Role.DPO, Role.MASH_SCREENER)
    own = services.break_glass_open(actor=dpo_screener, family=family, reason=REASON)
    assert not policy.can_review_break_glass(dpo_screener, own)
    with pytest.raises(NotPermitted, match="You cannot review your own use"):
        services.break_glass_review(actor=dpo_screener, break_glass=own, note="Fine")
    client = client_for(dpo_screener)
    assert "Your own use: someone else must review it" in client.get("/break-glass/reviews").content.decode()
    page = client.post(f"/break-glass/{own.pk}/review", {"note": "Fine"})
    assert page.status_code == 200 and "You cannot review your own use" in page.content.decode()
    own.refresh_from_db()
    assert own.reviewed_at is None


def test_a_use_is_reviewed_once(dpo, manager, use):
    services.break_glass_review(actor=manager, break_glass=use, note="Spoke to Sam: justified")
    with pytest.raises(Conflict, match="Max Manager reviewed this use"):
        services.break_glass_review(actor=dpo, break_glass=use, note="Also fine")


def test_the_manager_reviews_their_team_members_uses_only(client_for, make, manager, use, family):
    outsider = make("out.screener@example.test", Role.MASH_SCREENER)
    theirs = services.break_glass_open(actor=outsider, family=family, reason=REASON)
    client = client_for(manager)
    page = client.get("/break-glass/reviews").content.decode()
    assert "Sam Screener" in page and "Out Screener" not in page
    assert client.get(f"/break-glass/{theirs.pk}/review").status_code == 403
    with pytest.raises(NotPermitted):
        services.break_glass_review(actor=manager, break_glass=theirs, note="Fine")
    response = client.post(f"/break-glass/{use.pk}/review", {"note": "Spoke to Sam: justified"})
    assert response.status_code == 302


def test_a_dpo_of_another_council_cannot_see_or_review(client_for, other_council, use):
    from conftest import make_user

    far_dpo = make_user(other_council, "far.dpo@example.test", [Role.DPO])
    client = client_for(far_dpo)
    assert "Sam Screener" not in client.get("/break-glass/reviews").content.decode()
    assert client.get(f"/break-glass/{use.pk}/review").status_code == 403


def test_a_practitioner_cannot_see_the_reviews(client_for, other_practitioner, use):
    client = client_for(other_practitioner)
    assert client.get("/break-glass/reviews").status_code == 403
    assert client.post(f"/break-glass/{use.pk}/review", {"note": "Fine"}).status_code == 403


def test_break_glass_access_reads_but_does_not_change_the_record(db):
    from datetime import timedelta

    from django.utils import timezone

    from conftest import make_user
    from hearth.access import grants, policy
    from hearth.access.models import BreakGlass
    from hearth.accounts.models import Role
    from hearth.core import profiles
    from hearth.families import services as people

    (council,) = profiles.load(only=["oxfordshire"])
    lead = make_user(council, "lead.bg@example.test", [Role.PRACTITIONER])
    mash = make_user(council, "mash.bg@example.test", [Role.MASH_SCREENER])
    family = people.family_create(actor=lead, name="The Readonly family")
    BreakGlass.objects.create(family=family, user=mash, reason="A child was found alone at night",
                              expires_at=timezone.now() + timedelta(hours=1))
    grants.refresh_family(family)
    assert policy.can_view_family(mash, family)
    assert not policy.can_edit_family(mash, family)
