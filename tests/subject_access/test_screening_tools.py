"""Subject access: the screening tools sent to MASH with a referral about the subject's family are in the
referrals section, after the referral they went with."""

import datetime

import pytest

from hearth.referrals.models import ScreeningTool, ScreeningToolKind
from hearth.subject_access.compile import compile_bundle

pytestmark = pytest.mark.django_db


def test_the_referrals_section_lists_the_screening_tools_sent_with_a_referral(sar, history):
    tool = ScreeningTool.objects.create(referral=history.referral, position=1, tool=ScreeningToolKind.CSE,
                                        completed_on=datetime.date(2026, 1, 12), completed_by="Sam School (DSL)",
                                        findings="Tool findings St1")
    section = next(s for s in compile_bundle(sar).sections if s.key == "referrals")
    keys = [i.key for i in section.items]
    assert keys.index(f"screeningtool:{tool.pk}") == keys.index(f"referral:{history.referral.pk}") + 1
    item = section.items[keys.index(f"screeningtool:{tool.pk}")]
    assert item.title == "Screening tool sent with referral REF-1"
    assert [(f.label, f.value) for f in item.fields] == [
        ("Tool", "Child sexual exploitation (CSE) screening tool"), ("Sent to MASH with", "REF-1"),
        ("Completed on", "12 January 2026"), ("Completed by", "Sam School (DSL)"),
        ("What it found", "Tool findings St1")]
