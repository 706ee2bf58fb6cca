from django.core.management.base import BaseCommand

from hearth.access import grants
from hearth.access.models import InvolvedAs, Involvement
from hearth.accounts.models import User
from hearth.demo import activity, generator, journeys
from hearth.people.models import Family
from hearth.referrals import services as referrals

DEMO_FAMILIES = 60  # generated
# Every family record the demo holds: the generated ones and the second record of the child recorded twice.
DEMO_FAMILY_RECORDS = DEMO_FAMILIES + 1


class Command(BaseCommand):
    help = "Load the demo council (synthetic): its profile, agencies, users of every role and families."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, seed, **options):
        council = generator.load_demo_council()
        users = generator.ensure_demo_users(council)
        if Family.objects.filter(council=council).exists():
            self.stdout.write("The demo council already has families; left them as they are.")
            return
        by_local = {u.email.split("@")[0]: u for u in users}
        practitioners = [by_local[k] for k in ("practitioner", "teacher", "healthvisitor")]
        generator.generate(council=council, families=DEMO_FAMILIES, seed=seed, practitioners=practitioners)
        # Give the demo users a spread of involvements so every dashboard has something on it.
        families = list(Family.objects.filter(council=council).order_by("pk"))
        rows = []
        for index, family in enumerate(families):
            if index % 3 == 0:
                rows.append(Involvement(family=family, user=by_local["practitioner"],
                                        relationship=InvolvedAs.TAF_MEMBER))
            if index % 5 == 0:
                rows.append(Involvement(family=family, user=by_local["teacher"], relationship=InvolvedAs.TAF_MEMBER))
            if index % 10 == 0:
                rows.append(Involvement(family=family, user=by_local["socialworker"],
                                        relationship=InvolvedAs.SOCIAL_WORK))
            if index % 12 == 0:
                rows.append(Involvement(family=family, user=by_local["mash"], relationship=InvolvedAs.MASH))
        Involvement.objects.bulk_create(rows, ignore_conflicts=True)
        grants.rebuild(family_ids=[f.pk for f in families])  # the involvements were written in bulk
        # Every demo family but the first has agreed to Early Help and to sharing with the usual partners;
        # the first shows what a team member sees without consent.
        for family in families[1:]:
            journeys.record_consent(family, by_local["practitioner"])
        staged = journeys.stage_families(council=council, users=by_local, families=families[1:])
        referrals.referral_public_create(council=council, request=referrals.PublicRequest(
            requester_kind="parent", name="Jo Demo", email="jo.demo@example.test", relationship="Mum",
            family_details="Jo (34) and two boys, aged 6 and 9", postcode="HE1 1AA",
            concerns="My older boy is being bullied and will not go to school.",
            tried_already="I spoke to his teacher.", hoped_for="Someone to help us talk to the school.", agrees=True))
        # One child the school recorded again in a second family record: the demo's one person recorded twice.
        generator.record_twice(council, by_local["teacher"])
        activity.backdate(council, seed=seed)  # each family's last activity when it happened, not the load date
        self.stdout.write(f"Demo families at each stage of the journey: {', '.join(staged)}.")
        users = User.objects.filter(agency__council=council).count()
        families = Family.objects.filter(council=council).count()
        self.stdout.write(f"Loaded the demo council with {families} families and {users} users.")
