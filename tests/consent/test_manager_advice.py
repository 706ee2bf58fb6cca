"""A decision not to seek consent taken with a manager's advice, recorded (Oxfordshire's "Seek management advice",
its profile's `consent_questions.no_consent_needs_manager_advice`); and the withdrawal page giving the council's
mailbox for withdrawing consent (Portsmouth: "To notify us that you wish to withdraw consent please contact ...")."""

import html
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from hearth.access.models import InvolvedAs
from hearth.accounts.models import Role
from hearth.consent import services
from hearth.consent.models import NotSoughtDecision
from hearth.core import profiles
from hearth.core.errors import ValidationFailed
from hearth.families import services as people
from tests.factories import ShareConsentFactory

TODAY = timezone.localdate
REASON = "Asking would alert the person posing the risk"


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def manager(make):
    return make("morgan.manager@example.test", Role.MANAGER)


def test_oxfordshire_refuses_the_decision_without_a_managers_advice(practitioner, family):
    assert services.needs_manager_advice(family.council)
    with pytest.raises(ValidationFailed) as exc:
        services.not_sought_record(actor=practitioner, family=family, reason=REASON)
    assert set(exc.value.errors) == {"manager", "advised_on", "advice"}
    assert not NotSoughtDecision.objects.exists()


def test_the_manager_is_one_of_the_councils_managers_and_not_the_person_deciding(
        practitioner, family, manager, make, other_council, involve):
    not_a_manager = make("pip.peer@example.test", Role.PRACTITIONER)
    elsewhere = make_user(other_council, "gale.glos@example.test", [Role.MANAGER])
    for chosen in (not_a_manager, elsewhere):
        with pytest.raises(ValidationFailed) as exc:
            services.not_sought_record(actor=practitioner, family=family, reason=REASON, manager=chosen,
                                       advised_on=TODAY(), advice="Agreed")
        assert exc.value.errors == {"manager": "Choose a manager of this council"}
    involve(family, manager, InvolvedAs.TAF_MEMBER)
    with pytest.raises(ValidationFailed) as exc:
        services.not_sought_record(actor=manager, family=family, reason=REASON, manager=manager,
                                   advised_on=TODAY(), advice="Agreed")
    assert exc.value.errors == {"manager": "Choose the manager whose advice you took, not yourself"}
    with pytest.raises(ValidationFailed) as exc:
        services.not_sought_record(actor=practitioner, family=family, reason=REASON, manager=manager,
                                   manager_name="Someone Else", advised_on=TODAY() + timedelta(days=1),
                                   advice="Agreed")
    assert set(exc.value.errors) == {"manager_name", "advised_on"}


def test_a_listed_manager_or_a_name_with_the_date_and_advice_is_recorded(practitioner, family, manager):
    listed = services.not_sought_record(actor=practitioner, family=family, reason=REASON, manager=manager,
                                        advised_on=TODAY(), advice="Agreed: do not ask yet")
    assert (listed.manager, listed.manager_consulted, listed.advice) == (manager, "Morgan Manager",
                                                                         "Agreed: do not ask yet")
    named = services.not_sought_record(actor=practitioner, family=family, reason=REASON,
                                       manager_name="  Casey Cover  ", advised_on=TODAY() - timedelta(days=1),
                                       advice="Agreed by phone, out of hours")
    assert (named.manager, named.manager_consulted) == (None, "Casey Cover")


def test_a_council_without_the_rule_records_the_decision_without_advice(db):
    (glos,) = profiles.load(only=["gloucestershire"])
    lead = make_user(glos, "lou.lead@example.test", [Role.PRACTITIONER])
    family = people.family_create(actor=lead, name="The Elsewhere family")
    assert not services.needs_manager_advice(glos)
    decision = services.not_sought_record(actor=lead, family=family, reason=REASON)
    assert decision.manager_consulted == "" and decision.advised_on is None
    # Advice given in part is still checked.
    with pytest.raises(ValidationFailed) as exc:
        services.not_sought_record(actor=lead, family=family, reason=REASON, manager_name="Casey Cover")
    assert set(exc.value.errors) == {"advised_on", "advice"}


def test_the_profile_flag_must_be_true_or_false():
    (council,) = profiles.read_file(profiles.PROFILE_DIR / "oxfordshire.yaml")
    assert council["consent_questions"]["no_consent_needs_manager_advice"] is True
    council = {**council, "consent_questions": {**council["consent_questions"],
                                                "no_consent_needs_manager_advice": "yes"}}
    with pytest.raises(profiles.ProfileError, match="no_consent_needs_manager_advice must be true or false"):
        profiles.validate(council, where="oxfordshire.yaml, council 1")


def test_the_page_lists_the_councils_managers_and_refuses_without_advice(client_for, practitioner, family,
                                                                          manager):
    client = client_for(practitioner)
    form = _text(client.get(f"/families/{family.pk}/consent/not-sought/new"))
    assert "Oxfordshire takes this decision with a manager's advice" in form
    assert f'<option value="{manager.pk}">Morgan Manager, ' in form
    page = _text(client.post(f"/families/{family.pk}/consent/not-sought/new", {
        "reason": REASON, "manager_name": "Casey Cover", "advice": "Agreed"}))
    assert "Enter the date the manager gave their advice" in page and 'href="#id_advised_on-day"' in page
    assert not NotSoughtDecision.objects.exists()


def test_portsmouths_withdrawal_page_gives_its_mailbox_for_withdrawing_consent(client_for, db):
    (portsmouth,) = profiles.load(only=["portsmouth"])
    lead = make_user(portsmouth, "pat.ports@example.test", [Role.PRACTITIONER])
    family = people.family_create(actor=lead, name="The Harbour family")
    consent = ShareConsentFactory(family=family, actor=lead)
    page = _text(client_for(lead).get(f"/families/{family.pk}/consent/share/{consent.pk}/withdraw"))
    assert "Families can tell Portsmouth they withdraw consent by emailing" in page
    assert 'href="mailto:earlysupportreferralpanel@portsmouthcc.gcsx.gov.uk"' in page
    agreement = services.agreement_record(actor=lead, family=family, given_by=consent.person, giver_kind="parent_pr",
                                          given_on=TODAY(), method="verbal")
    page = _text(client_for(lead).get(f"/families/{family.pk}/consent/agreements/{agreement.pk}/withdraw"))
    assert "earlysupportreferralpanel@portsmouthcc.gcsx.gov.uk" in page


def test_a_council_with_no_mailbox_shows_no_contact(client_for, practitioner, family, parent):
    consent = ShareConsentFactory(family=family, person=parent)
    page = _text(client_for(practitioner).get(f"/families/{family.pk}/consent/share/{consent.pk}/withdraw"))
    assert "Record that consent to share was withdrawn" in page
    assert 'id="withdrawal-contact"' not in page
