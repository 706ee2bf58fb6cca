"""The step-up bundle, made in the worker: the multi-agency referral with the family's latest assessment, plan,
meeting notes and genogram is one PDF that can run to many pages, so it is made by a job and kept for the person
who asked, who downloads it from the job's page (hearth.jobs: only they, while the access policy still lets them
have it, for a day). Making it records an EXPORT in the audit log, as the direct download did; each download records
another.

The family's own copies (assessment, plan, review, chronology) and the transparency copy stay direct downloads:
each is one family's short document, made in well under a second for the person in front of the page.
"""

from django.urls import reverse

from hearth.access import policy
from hearth.accounts.models import User
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.documents import copies
from hearth.jobs import queue
from hearth.referrals.models import Referral
from hearth.sharing.models import DisclosureKind


def about(referral_id: int) -> str:
    return f"documents:step_up:{referral_id}"


@queue.job("Make a step-up bundle", retries=3)
def step_up_bundle(referral_id: int, user_id: int) -> str:
    """Made once: a job run again after it finished keeps the first file and records nothing more."""
    if queue.kept_already():
        return "made already"
    user = User.objects.select_related("agency").get(pk=user_id)
    referral = Referral.objects.get(pk=referral_id)
    queue.report(0, 1, "Making the PDF")
    pdf = copies.step_up_bundle_pdf(user, referral)  # checks the policy and records the EXPORT
    queue.keep_file(pdf, filename=f"{referral.reference}.pdf", content_type="application/pdf")
    queue.report(1, 1, "Ready to download")
    return "made"


def start(user, referral) -> str:
    """Queue the bundle for `user` (who may have it: `referrals.selectors.referral_for_bundle`); its page's id."""
    return queue.start(step_up_bundle, referral.pk, user.pk, owner=user, about=about(referral.pk),
                       title=f"The family's documents for step-up referral {referral.reference}",
                       result_url=reverse("documents:step_up_bundle", kwargs={"referral_id": referral.pk}))


def may_download(user, result) -> bool:
    """The bundle's owner may download it while the policy still gives them the bundle; each download is audited."""
    referral = Referral.objects.select_related("council", "family", "episode__family",
                                               "episode__lead_professional__team").filter(
        pk=int(result.about.rsplit(":", 1)[-1])).first()
    if referral is None or not policy.can_have_step_up_bundle(user, referral):
        return False
    trail.record(actor=user, action=AuditAction.EXPORT, obj=referral, family_id=referral.family_id,
                 detail={"document": DisclosureKind.STEP_UP_BUNDLE, "downloaded": True,
                         "sha256": result.sha256})
    return True
