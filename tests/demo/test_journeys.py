"""The demo has a family at every stage of the journey, and every one of their pages renders."""

import pytest
from django.core.management import call_command

from hearth.accounts.models import User
from hearth.cases.models import Episode, EpisodeStatus
from hearth.referrals.models import Referral, ReferralStatus, Urgency
from hearth.supporting_families.models import Need


@pytest.mark.django_db
def test_the_demo_has_families_at_every_stage_and_their_pages_render(client):
    call_command("load_demo")
    statuses = set(Episode.objects.values_list("status", flat=True))
    assert statuses == set(EpisodeStatus.values)
    assert Episode.objects.filter(origin="step_down").exists()
    assert Referral.objects.filter(status=ReferralStatus.AWAITING_SCREENING).count() >= 2
    practitioner = User.objects.get(email="practitioner@demo.hearth.test")
    client.force_login(practitioner)
    assert "Reviews and actions due" in client.get("/").content.decode()
    for episode in Episode.objects.filter(lead_professional=practitioner):
        for url in (f"/episodes/{episode.pk}", f"/episodes/{episode.pk}/outcomes", f"/families/{episode.family_id}",
                    f"/families/{episode.family_id}/chronology", f"/episodes/{episode.pk}/plan"):
            assert client.get(url).status_code == 200, url
    client.force_login(User.objects.get(email="mash@demo.hearth.test"))
    queue = client.get("/referrals/").content.decode()
    assert "Waiting for screening" in queue or "waiting" in queue.lower()
    # The step-up waiting for MASH is the urgent one, first in the queue with its situation.
    assert Referral.objects.filter(status=ReferralStatus.AWAITING_SCREENING, urgency=Urgency.SAME_DAY).count() == 1
    assert "immediate risk" in queue
    # Two families are on the Supporting Families programme: one still working, one closed with progress judged.
    client.force_login(practitioner)
    families = sorted(set(Need.objects.values_list("family_id", flat=True)))
    assert len(families) == 2
    pages = [client.get(f"/families/{f}/supporting-families").content.decode() for f in families]
    assert all("so it is eligible" in page for page in pages)
    assert sum("Progress</strong>" in page for page in pages) == 1
    client.force_login(User.objects.get(email="analyst@demo.hearth.test"))
    assert "The quarterly progress return" in client.get("/supporting-families").content.decode()
