"""Hooks: how a lower app reaches a higher one. Every hook is served once the apps are ready, and a missing or
doubled registration fails loudly."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from hearth.cases import panels as episode_panels
from hearth.core import hooks
from hearth.core.hooks import Hook, Panel
from hearth.families import panels as family_panels


def test_every_hook_has_an_entry_from_each_app_it_expects():
    assert hooks.all_hooks()
    assert {hook.name: hook.missing() for hook in hooks.all_hooks()} == {hook.name: [] for hook in hooks.all_hooks()}
    assert hooks.every_hook_is_served() == []
    call_command("check", fail_level="ERROR")


def test_the_episode_page_panels_are_the_journey_apps_in_page_order():
    assert [p.template for p in episode_panels.episode_page.items()] == [
        "assessments/_episode_panel.html", "outcomes/_episode_panel.html", "plans/_episode_panel.html",
        "referrals/_episode_panel.html"]


def test_the_family_page_has_each_apps_panels_in_their_slots():
    by_slot = {}
    for panel in family_panels.family_page.items():
        by_slot.setdefault(panel.slot, []).append(panel.template)
    assert by_slot == {"alerts": ["cases/_risk_banner.html", "rights/_restriction_banner.html"],
                       "summary": ["consent/_family_panel.html"], "work": ["cases/_family_panel.html"],
                       "records": ["sharing/_family_panel.html", "supporting_families/_family_panel.html"]}


def test_a_hook_refuses_to_run_while_an_expected_app_has_not_registered():
    hook = Hook("a test hook", expects=("first", "second"))
    try:
        hook.register("first", lambda **kw: 1)
        with pytest.raises(ImproperlyConfigured, match="second"):
            hook.call()
        assert [e.msg for e in hooks.every_hook_is_served()] == ["The hook 'a test hook' has no entry from second"]
        hook.register("second", lambda **kw: 2, key="two", order=-1)
        assert hook.call() == [2, 1]
    finally:
        hooks._HOOKS.remove(hook)


def test_registering_the_same_entry_twice_is_refused():
    hook = Hook("another test hook", expects=())
    try:
        panel = Panel("main", "x.html", lambda user, record: None)
        hook.register("app", panel, key="x")
        with pytest.raises(ImproperlyConfigured, match="twice"):
            hook.register("app", panel, key="x")
    finally:
        hooks._HOOKS.remove(hook)
