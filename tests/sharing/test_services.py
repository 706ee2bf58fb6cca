"""The register's rules: automatic entries, sharing with an agency only when covered (and recording the refusal),
decisions recorded by hand, marking entries unsafe to disclose to the family, and the selectors' scope."""

import datetime

import pytest
from django.utils import timezone

from hearth.access import grants, policy
from hearth.access.models import InvolvedAs
from hearth.accounts.models import AgencyKind, Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.consent import services as consent_services
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.sharing import selectors, services
from hearth.sharing.models import Decision, Disclosure, DisclosureKind, Origin
from hearth.sharing.selectors import RegisterFilter
from hearth.sharing.views import csv_cell

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def manager(make):
    return make("mo.manager@example.test", Role.MANAGER, agency_name="Early Help")


@pytest.fixture
def outsider(make):
    return make("ola.outsider@example.test", Role.PRACTITIONER, kind=AgencyKind.SCHOOL, agency_name="Far School")


def _basis(practitioner, manager, family, agencies, **kwargs):
    basis = consent_services.lawful_basis_record(actor=practitioner, family=family, kind="safeguarding",
                                                 reason="Risk of significant harm", agencies=agencies, **kwargs)
    return consent_services.lawful_basis_confirm(actor=manager, basis=basis)


def _hand(practitioner, family, **kwargs):
    defaults = dict(decision=Decision.SHARED, what="Max's attendance this term", purpose="To plan support at school",
                    occurred_on=TODAY() - datetime.timedelta(days=2), recipient="Dr Shah, GP", basis_text="Public task")
    return services.entry_record(actor=practitioner, family=family, **{**defaults, **kwargs})


# Automatic entries -----------------------------------------------------------------------------------------


def test_an_automatic_disclosure_is_recorded_as_shared_automatically_today(practitioner, family, mum):
    entry = services.disclosure_record(actor=practitioner, family=family, kind=DisclosureKind.CLOSURE_NOTICE,
                                       what="Notice that Early Help has closed", recipient="jo@example.test",
                                       purpose="To tell the family", basis="Public task", person=mum, obj=family)
    assert (entry.decision, entry.origin, entry.occurred_on) == (Decision.SHARED, Origin.AUTOMATIC, TODAY())
    assert entry.decided_by == practitioner and entry.object_type == "people.family"
    assert AuditEvent.objects.filter(action=AuditAction.DISCLOSE, object_type="sharing.disclosure",
                                     object_id=str(entry.pk), family_id=family.pk).exists()


def test_an_unknown_kind_of_disclosure_is_refused(practitioner, family):
    with pytest.raises(ValueError):
        services.disclosure_record(actor=practitioner, family=family, kind="gossip", what="x", recipient="y",
                                   purpose="z", basis="b")


# Sharing with an agency ------------------------------------------------------------------------------------


def test_sharing_with_an_agency_the_consent_covers_records_shared_with_that_consent(practitioner, family, mum,
                                                                                      surgery, consent_for):
    consent = consent_for(mum, agencies=[surgery])
    entry = services.share_decide(actor=practitioner, family=family, agency=surgery, what="Jo's contact details",
                                  purpose="So the GP can arrange a review", person=mum)
    assert entry.decision == Decision.SHARED and entry.basis_consent == consent
    assert entry.basis.startswith("Consent to share given by Jo Testfamily on")
    assert (entry.recipient_agency, entry.kind, entry.origin) == (surgery, DisclosureKind.SHARE_DECISION,
                                                                  Origin.AUTOMATIC)


def test_sharing_with_an_agency_a_confirmed_lawful_basis_covers_records_that_basis(practitioner, manager, family,
                                                                                     housing):
    basis = _basis(practitioner, manager, family, [housing])
    entry = services.share_decide(actor=practitioner, family=family, agency=housing, what="The family's address",
                                  purpose="To check the home is safe")
    assert entry.basis_lawful == basis and entry.basis.startswith("Safeguarding: a risk of significant harm")


def test_sharing_with_an_agency_nothing_covers_records_a_decision_not_to_share_and_says_why(practitioner, family,
                                                                                            housing):
    with pytest.raises(services.ShareRefused) as exc:
        services.share_decide(actor=practitioner, family=family, agency=housing, what="The family's address",
                              purpose="To check the home is safe")
    assert exc.value.message == "No consent or lawful basis covers District Housing for this purpose"
    entry = Disclosure.objects.get(family=family)
    assert entry == exc.value.entry
    assert entry.decision == Decision.NOT_SHARED
    assert entry.not_shared_reason == "No consent or lawful basis covers District Housing for this purpose"
    assert entry.basis == "" and entry.basis_consent is None and entry.basis_lawful is None


def test_an_unconfirmed_lawful_basis_does_not_cover_the_agency(practitioner, family, housing):
    consent_services.lawful_basis_record(actor=practitioner, family=family, kind="safeguarding",
                                         reason="Risk of significant harm", agencies=[housing])
    with pytest.raises(services.ShareRefused):
        services.share_decide(actor=practitioner, family=family, agency=housing, what="x", purpose="y")


def test_a_withdrawn_consent_no_longer_covers_the_agency(practitioner, family, mum, surgery, consent_for):
    consent = consent_for(mum, agencies=[surgery])
    consent_services.share_consent_withdraw(actor=practitioner, consent=consent, withdrawn_on=TODAY(),
                                            how="Told the lead professional")
    with pytest.raises(services.ShareRefused):
        services.share_decide(actor=practitioner, family=family, agency=surgery, what="x", purpose="y")


def test_an_exclusion_refuses_the_agency_even_when_its_kind_is_covered(practitioner, family, mum, surgery,
                                                                       consent_for):
    consent_for(mum, agency_kinds=[AgencyKind.GP], excluded_agencies=[surgery])
    with pytest.raises(services.ShareRefused):
        services.share_decide(actor=practitioner, family=family, agency=surgery, what="x", purpose="y")


def test_a_confirmed_lawful_basis_overrides_an_exclusion(practitioner, manager, family, mum, surgery, consent_for):
    consent_for(mum, agency_kinds=[AgencyKind.GP], excluded_agencies=[surgery])
    _basis(practitioner, manager, family, [surgery])
    assert services.share_decide(actor=practitioner, family=family, agency=surgery, what="x",
                                 purpose="y").decision == Decision.SHARED


def test_one_persons_consent_does_not_cover_sharing_anothers_information(practitioner, family, mum, child, surgery,
                                                                         consent_for):
    consent_for(mum, agencies=[surgery])
    with pytest.raises(services.ShareRefused):
        services.share_decide(actor=practitioner, family=family, agency=surgery, what="Max's health",
                              purpose="y", person=child)


def test_under_the_public_task_model_the_agency_is_covered_without_consent(practitioner, family, housing):
    family.council.consent_model = "public_task"
    family.council.save()
    entry = services.share_decide(actor=practitioner, family=family, agency=housing, what="x", purpose="y")
    assert entry.decision == Decision.SHARED and entry.basis.startswith("Public task")


@pytest.mark.parametrize("scenario", ["nothing", "consent", "kind_consent", "excluded", "withdrawn", "basis",
                                      "public_task"])
def test_agency_coverage_agrees_with_the_access_policy(scenario, practitioner, manager, family, mum, make, involve,
                                                       consent_for):
    worker = make("sam.school@example.test", Role.PRACTITIONER, kind=AgencyKind.SCHOOL, agency_name="Brook School")
    involve(family, worker, InvolvedAs.TAF_MEMBER, covered=False)
    if scenario == "consent":
        consent_for(mum, agencies=[worker.agency])
    elif scenario == "kind_consent":
        consent_for(mum, agency_kinds=[AgencyKind.SCHOOL])
    elif scenario == "excluded":
        consent_for(mum, agency_kinds=[AgencyKind.SCHOOL], excluded_agencies=[worker.agency])
    elif scenario == "withdrawn":
        consent_services.share_consent_withdraw(actor=practitioner, consent=consent_for(mum, agencies=[worker.agency]),
                                                withdrawn_on=TODAY(), how="By phone")
    elif scenario == "basis":
        _basis(practitioner, manager, family, [worker.agency])
    elif scenario == "public_task":
        family.council.consent_model = "public_task"
        family.council.save()
        grants.refresh_council(family.council)  # as loading the changed profile does
    assert services.agency_covered(family, worker.agency) == policy.is_covered(worker, family)


def test_sharing_needs_an_agency_what_and_why(practitioner, family):
    with pytest.raises(ValidationFailed) as exc:
        services.share_decide(actor=practitioner, family=family, agency=None, what=" ", purpose="")
    assert exc.value.errors == {"agency": "Choose the agency to share with",
                                "what": "Say what information you want to share",
                                "purpose": "Say why you want to share it"}
    assert not Disclosure.objects.exists()


def test_someone_who_cannot_see_the_family_cannot_share_its_information(outsider, family, housing):
    with pytest.raises(NotPermitted):
        services.share_decide(actor=outsider, family=family, agency=housing, what="x", purpose="y")
    assert not Disclosure.objects.exists()


# Decisions recorded by hand --------------------------------------------------------------------------------


def test_a_decision_recorded_by_hand_keeps_what_with_whom_why_basis_and_date(practitioner, family, mum, surgery,
                                                                              consent_for):
    consent = consent_for(mum, agencies=[surgery])
    entry = _hand(practitioner, family, recipient="", recipient_agency=surgery, consent=consent, basis_text="",
                  person=mum)
    assert (entry.origin, entry.decision, entry.occurred_on) == (Origin.BY_HAND, Decision.SHARED,
                                                                 TODAY() - datetime.timedelta(days=2))
    assert entry.recipient == "Bridge Surgery" and entry.basis_consent == consent
    assert entry.person == mum and entry.disclosed_by == practitioner
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(entry.pk)).exists()


def test_a_decision_by_hand_on_another_basis_keeps_its_description(practitioner, family):
    entry = _hand(practitioner, family, basis_text="A court order of 3 March 2025")
    assert entry.basis == "A court order of 3 March 2025" and entry.recipient == "Dr Shah, GP"


def test_a_decision_not_to_share_needs_a_reason_but_no_basis(practitioner, family):
    with pytest.raises(ValidationFailed) as exc:
        _hand(practitioner, family, decision=Decision.NOT_SHARED, basis_text="")
    assert exc.value.errors == {"not_shared_reason": "Say why the information was not shared"}
    entry = _hand(practitioner, family, decision=Decision.NOT_SHARED, basis_text="",
                  not_shared_reason="The school did not need it")
    assert entry.decision == Decision.NOT_SHARED and entry.not_shared_reason == "The school did not need it"


def test_a_share_recorded_by_hand_needs_a_basis_someone_to_share_with_and_a_past_date(practitioner, family):
    with pytest.raises(ValidationFailed) as exc:
        _hand(practitioner, family, basis_text="", recipient=" ", occurred_on=TODAY() + datetime.timedelta(days=1))
    assert exc.value.errors == {
        "basis": "Choose the consent or lawful basis relied on, or choose other and describe it",
        "recipient": "Say who the information was shared with, or who asked for it",
        "occurred_on": "The date of the decision must be today or in the past"}


def test_a_withdrawn_consent_cannot_be_the_basis_of_a_new_entry(practitioner, family, mum, surgery, consent_for):
    consent = consent_for(mum, agencies=[surgery])
    consent_services.share_consent_withdraw(actor=practitioner, consent=consent, withdrawn_on=TODAY(), how="By phone")
    with pytest.raises(ValidationFailed) as exc:
        _hand(practitioner, family, consent=consent, basis_text="")
    assert exc.value.errors["basis"] == "Choose a consent to share that this family has given and not withdrawn"


def test_unsafe_to_disclose_needs_a_reason(practitioner, family):
    with pytest.raises(ValidationFailed) as exc:
        _hand(practitioner, family, unsafe_to_disclose=True, unsafe_reason=" ")
    assert exc.value.errors == {"unsafe_reason": "Say why telling the family about this could be unsafe"}
    entry = _hand(practitioner, family, unsafe_to_disclose=True, unsafe_reason="Dad must not learn of the referral")
    assert entry.unsafe_to_disclose and entry.unsafe_reason == "Dad must not learn of the referral"


def test_an_entry_can_be_marked_unsafe_with_a_reason_and_the_mark_cleared(practitioner, family):
    entry = _hand(practitioner, family)
    with pytest.raises(ValidationFailed):
        services.entry_set_unsafe(actor=practitioner, entry=entry, unsafe=True, reason="")
    services.entry_set_unsafe(actor=practitioner, entry=entry, unsafe=True, reason="Risk from an ex-partner")
    entry.refresh_from_db()
    assert entry.unsafe_to_disclose and entry.unsafe_reason == "Risk from an ex-partner"
    services.entry_set_unsafe(actor=practitioner, entry=entry, unsafe=False)
    entry.refresh_from_db()
    assert not entry.unsafe_to_disclose and entry.unsafe_reason == ""


# Reading the register --------------------------------------------------------------------------------------


def test_the_register_filters_by_decision_origin_kind_agency_and_dates(practitioner, family, surgery, housing):
    auto = services.disclosure_record(actor=practitioner, family=family, kind=DisclosureKind.TAF_NOTES, what="Notes",
                                      recipient="gp@example.test", recipient_agency=surgery, purpose="p", basis="b")
    old = _hand(practitioner, family, occurred_on=TODAY() - datetime.timedelta(days=40), recipient_agency=housing)
    refused = _hand(practitioner, family, decision=Decision.NOT_SHARED, not_shared_reason="Not needed")

    def ids(**kwargs):
        return [e.pk for e in selectors.family_register(practitioner, family, RegisterFilter(**kwargs))]

    assert ids() == [auto.pk, refused.pk, old.pk]  # newest first
    assert ids(decision=Decision.NOT_SHARED) == [refused.pk]
    assert ids(origin=Origin.AUTOMATIC) == [auto.pk]
    assert ids(kind=DisclosureKind.SHARE_DECISION) == [refused.pk, old.pk]
    assert ids(agency_id=housing.pk) == [old.pk]
    assert ids(date_from=TODAY() - datetime.timedelta(days=50), date_to=TODAY() - datetime.timedelta(days=30)) == [
        old.pk]
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="sharing.register",
                                     family_id=family.pk).count() == 6  # one per reading


def test_the_register_is_refused_to_someone_who_cannot_see_the_family(outsider, family):
    with pytest.raises(NotPermitted):
        selectors.family_register(outsider, family)
    with pytest.raises(NotPermitted):
        selectors.family_panel(outsider, family)
    with pytest.raises(NotPermitted):
        selectors.transparency(outsider, family)


def test_a_persons_register_has_their_entries_and_the_whole_familys_but_not_others(practitioner, family, mum,
                                                                                   child):
    about_mum = _hand(practitioner, family, person=mum)
    about_all = _hand(practitioner, family)
    _hand(practitioner, family, person=child)
    register = selectors.person_register(practitioner, mum)
    assert {e.pk for e in register.entries} == {about_mum.pk, about_all.pk}
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="sharing.register",
                                     person_id=mum.pk).exists()


def test_the_family_panel_has_the_latest_five_in_a_fixed_number_of_queries(practitioner, family,
                                                                           django_assert_max_num_queries):
    for n in range(30):
        services.disclosure_record(actor=practitioner, family=family, kind=DisclosureKind.OTHER, what=f"Item {n}",
                                   recipient="someone", purpose="p", basis="b")
    with django_assert_max_num_queries(8):
        panel = selectors.family_panel(practitioner, family)
    assert [e.what for e in panel["latest"]] == [f"Item {n}" for n in range(29, 24, -1)]
    assert panel["total"] == 30 and panel["more"] and panel["can_record"]


def test_what_the_family_is_shown_leaves_out_unsafe_entries_and_decisions_not_to_share(practitioner, family):
    shown = _hand(practitioner, family, what="Attendance")
    _hand(practitioner, family, what="The referral to MASH", unsafe_to_disclose=True, unsafe_reason="Risk")
    _hand(practitioner, family, decision=Decision.NOT_SHARED, not_shared_reason="Not needed")
    result = selectors.transparency(practitioner, family)
    assert [e.pk for e in result.entries] == [shown.pk] and result.hidden == 1


# The CSV export --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=cmd()", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_a_csv_cell_that_could_run_as_a_formula_is_escaped(text):
    assert csv_cell(text) == "'" + text


def test_an_ordinary_csv_cell_is_unchanged():
    assert csv_cell("Jo's address") == "Jo's address" and csv_cell(None) == ""
