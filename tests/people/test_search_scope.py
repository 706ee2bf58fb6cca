"""Search applies the access policy row by row in its ranking statement (a member of a family the user may see), and
find-before-create marks each match the user may see the same way; both must agree exactly with
policy.people_visible_to."""

import pytest

from hearth.access import policy
from hearth.access.models import InvolvedAs
from hearth.accounts.models import Role
from hearth.families import selectors, services
from hearth.people.models import Person
from hearth.people.search import SearchQuery


@pytest.mark.django_db
def test_search_scoping_agrees_with_people_visible_to(make, team, council, locality, practitioner,
                                                      other_practitioner, involve):
    coordinator = make("cora.coordinator@example.test", Role.COORDINATOR, team=team)
    manager = make("mo.manager@example.test", Role.MANAGER)
    team.manager = manager
    team.save()
    worker = make("wes.worker@example.test", Role.PRACTITIONER, team=team)
    south = council.localities.exclude(pk=locality.pk).first()
    families = [
        services.family_create(actor=practitioner, name="The Scope family", locality=locality),
        services.family_create(actor=practitioner, name="The Scope family", locality=south),
        services.family_create(actor=other_practitioner, name="The Scope family", locality=south),
    ]
    involve(families[2], worker)
    involve(families[1], other_practitioner, InvolvedAs.LEAD_PROFESSIONAL)
    for index, family in enumerate(families):
        actor = other_practitioner if index == 2 else practitioner
        for given in ("Ann", "Bea"):
            services.person_create(actor=actor, family=family, role="parent_pr",
                                   data={"given_name": given, "family_name": "Scope"})
    # Someone in two families, one of which the practitioner may not see.
    shared = Person.objects.filter(memberships__family=families[0]).first()
    services.family_add_member(actor=other_practitioner, family=families[2], person=shared, role="other_adult")
    ids = list(Person.objects.values_list("pk", flat=True))

    for user in (practitioner, other_practitioner, coordinator, manager, worker):
        expected = set(policy.people_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
        found = {m.person.pk for m in selectors.search_people(user, SearchQuery(family_name="Scope"))}
        assert found == expected, user.email
        matches = selectors.find_existing(user, SearchQuery(family_name="Scope"))
        assert {m.person.pk for m in matches} == set(ids), user.email
        assert {m.person.pk for m in matches if m.visible} == expected, user.email
