"""The access log names every kind of record in plain English with the right article: 'an episode', never 'a
episode', and never a label such as 'dpo: unusual access'."""

import re

import pytest
from django.apps import apps

from hearth.dpo.audit_review import OBJECTS, describe_object

# What the apps record that is not a model: pages and searches.
PAGE_LABELS = ["dpo", "dpo.unusual_access", "breaches", "rights", "rights.person_search", "retention",
               "subject_access.dashboard", "plans.due_work", "governance.auditchain", "jobs.job"]


@pytest.mark.parametrize("label", sorted({m._meta.label_lower for m in apps.get_models()} | set(PAGE_LABELS)
                                         | set(OBJECTS)))
def test_every_record_is_named_with_its_article_and_no_label(label):
    text = describe_object(label)
    assert not re.search(r"\ba (?!us|uni|uti)[aeiou]", text, re.IGNORECASE), text  # 'a user' sounds like 'you'
    assert not re.search(r"\ban [bcdfgjklmnpqrstvwxyz]", text, re.IGNORECASE), text
    assert ":" not in text and "_" not in text, text


def test_an_episode_and_a_record_outside_the_register_read_as_english():
    assert describe_object("cases.episode") == "the Early Help episode"
    assert describe_object("dpo.unusual_access") == "the unusual-access report"
    assert describe_object("somewhere.odd_thing") == "an odd thing"
    assert describe_object("") == "a record"
