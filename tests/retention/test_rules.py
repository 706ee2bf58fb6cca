"""The rules: reading every council's profile, plain English, and when a family falls due."""

from datetime import date

import pytest

from hearth.core import profiles
from hearth.core.dates import add_years
from hearth.retention import rules
from hearth.retention.rules import DUE, HELD, NOT_YET_DUE, OPEN, UNDETERMINED, FamilyFacts, Rule, judge

SIX_FROM_CLOSE = Rule("early_help_assessment", 6, "episode_closed")
REGISTER_TEN = Rule("sharing_register", 10, "episode_closed")
SEND = Rule("send_records", 25, "date_of_birth")
AUDIT = Rule("audit_log", 6, "created")
AS_OF = date(2026, 6, 30)


def _facts(**kwargs) -> FamilyFacts:
    defaults = dict(family_id=1, council_id=1, created_on=date(2015, 1, 1), updated_on=date(2019, 1, 1),
                    had_episode=True, last_closed_on=date(2019, 1, 1))
    return FamilyFacts(**{**defaults, **kwargs})


def test_every_councils_rules_read_and_read_aloud():
    for path in profiles.profile_files():
        for council in profiles.read_file(path):
            rule_list = rules.rules_from(council["retention_rules"])
            assert rule_list, council["code"]
            for rule in rule_list:
                assert rule.period and rule.plain_english.endswith(".")
                assert "_" not in rule.label


def test_rules_in_plain_english():
    assert SIX_FROM_CLOSE.plain_english == ("Early Help assessments, with their sections, children's views and "
                                            "contributions: kept 6 years from the close of the family's latest "
                                            "episode.")
    assert SEND.period == "until the youngest child is 25"
    assert AUDIT.period == "6 years from when it was written"
    assert Rule("complaints", 1, "created").label == "Complaints"
    assert not AUDIT.applied_by_disposal and "Not deleted by disposal" in AUDIT.disposal_note


def test_adding_years_to_29_february():
    assert add_years(date(2020, 2, 29), 6) == date(2026, 2, 28)
    assert add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)


def test_a_family_is_due_six_years_from_the_close_of_its_latest_episode():
    verdict = judge([SIX_FROM_CLOSE, AUDIT], _facts(), as_of=AS_OF, held=False)
    assert (verdict.state, verdict.due_on, verdict.governing) == (DUE, date(2025, 1, 1), "early_help_assessment")
    assert judge([SIX_FROM_CLOSE], _facts(last_closed_on=date(2020, 6, 30)), as_of=AS_OF, held=False).state == DUE
    assert judge([SIX_FROM_CLOSE], _facts(last_closed_on=date(2020, 7, 1)), as_of=AS_OF,
                 held=False).state == NOT_YET_DUE


def test_a_longer_rule_for_the_register_keeps_the_whole_family():
    verdict = judge([SIX_FROM_CLOSE, REGISTER_TEN], _facts(), as_of=AS_OF, held=False)
    assert (verdict.state, verdict.due_on, verdict.governing) == (NOT_YET_DUE, date(2029, 1, 1), "sharing_register")


def test_the_audit_log_rule_never_decides_anything():
    verdict = judge([AUDIT], _facts(), as_of=AS_OF, held=False)
    assert verdict.state == UNDETERMINED  # no rule that disposal applies: kept


def test_open_families_and_held_families_are_not_disposed_of():
    assert judge([SIX_FROM_CLOSE], _facts(open_episode=True), as_of=AS_OF, held=False).state == OPEN
    assert judge([SIX_FROM_CLOSE], _facts(open_referral=True), as_of=AS_OF, held=False).state == OPEN
    assert judge([SIX_FROM_CLOSE], _facts(), as_of=AS_OF, held=True).state == HELD
    assert judge([SIX_FROM_CLOSE], _facts(last_closed_on=date(2025, 1, 1)), as_of=AS_OF, held=True).state \
        == NOT_YET_DUE


def test_a_request_for_support_after_the_episode_closed_restarts_the_clock():
    facts = _facts(last_referral_on=date(2022, 3, 4))
    assert judge([SIX_FROM_CLOSE], facts, as_of=AS_OF, held=False).due_on == date(2028, 3, 4)


def test_a_family_that_never_had_an_episode_counts_from_its_record_or_its_requests():
    facts = _facts(had_episode=False, last_closed_on=None, created_on=date(2018, 5, 1))
    assert judge([SIX_FROM_CLOSE], facts, as_of=AS_OF, held=False).due_on == date(2024, 5, 1)
    facts.last_referral_on = date(2021, 2, 2)
    assert judge([SIX_FROM_CLOSE], facts, as_of=AS_OF, held=False).due_on == date(2027, 2, 2)


@pytest.mark.parametrize(("send", "born", "state"), [
    (False, date(2015, 1, 1), DUE),          # no special needs records: the six-year rule alone
    (True, date(2015, 1, 1), NOT_YET_DUE),   # kept until the youngest is 25, in 2040
    (True, date(2000, 1, 1), DUE),           # 25 in 2025
    (True, None, UNDETERMINED),              # no date of birth: cannot be worked out, so kept
])
def test_records_about_special_needs_are_kept_until_the_youngest_is_25(send, born, state):
    facts = _facts(holds_send_records=send, youngest_birth=born)
    assert judge([SIX_FROM_CLOSE, SEND], facts, as_of=AS_OF, held=False).state == state


def test_record_types_group_the_models():
    assert rules.record_type_of("assessments.section") == "early_help_assessment"
    assert rules.record_type_of("cases.casenote") == "case_notes"
    assert rules.record_type_of("cases.episode") == rules.FAMILY_RECORD
    assert rules.record_type_of("outcomes.score") == "plan_and_reviews"
    assert rules.record_type_of("sharing.disclosure") == "sharing_register"
    assert rules.record_type_of("people.person") == rules.FAMILY_RECORD
