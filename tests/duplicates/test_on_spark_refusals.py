"""`hearth find-duplicates-on-spark` refuses, saying why in plain English and before Spark starts, what it cannot
do: a council or officer that does not exist, someone who is not the council's data protection officer, and a
council whose worker has not yet learned a model for Spark to use. The run itself is in test_spark.py."""

import pytest
from django.core.management import CommandError, call_command

from hearth.duplicates import tasks
from hearth.duplicates.models import DuplicateRun

pytestmark = pytest.mark.django_db


def _run(**given):
    call_command("find_duplicates_on_spark", master="local[2]", **given)


def test_an_unknown_council_or_officer_is_named_in_the_refusal(dpo):
    with pytest.raises(CommandError, match="No council has the code 'nowhere'."):
        _run(council="nowhere", officer=dpo.email)
    with pytest.raises(CommandError, match="No active user has the email 'nobody@example.test'."):
        _run(council=dpo.agency.council.code, officer="nobody@example.test")


def test_only_the_data_protection_officer_may_run_it(practitioner):
    with pytest.raises(CommandError, match=tasks.REFUSAL):
        _run(council=practitioner.agency.council.code, officer=practitioner.email)
    assert not DuplicateRun.objects.exists()


def test_before_the_worker_has_learned_a_model_it_says_to_run_one_first(dpo):
    with pytest.raises(CommandError) as refused:
        _run(council=dpo.agency.council.code, officer=dpo.email)
    assert str(refused.value) == tasks.NO_MODEL_YET
    assert "run \"Look for people recorded twice\" in Hearth once first" in str(refused.value)
    assert not DuplicateRun.objects.exists()


def test_partitions_must_be_a_positive_number(dpo):
    with pytest.raises(CommandError, match="--partitions must be 1 or more."):
        _run(council=dpo.agency.council.code, officer=dpo.email, partitions=0)
