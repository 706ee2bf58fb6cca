"""Download a copy for the family: a short page asking who the copy is for, then the PDF.

Every download records an EXPORT in the audit log (the copies module does that); a copy for someone is also
recorded as a disclosure, so the family's record shows what has been shared and with whom.
"""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hearth.access import policy
from hearth.assessments.models import Assessment
from hearth.cases.models import Episode
from hearth.core import personal_data
from hearth.core.errors import NotPermitted
from hearth.documents import copies, pieces, tasks
from hearth.families import selectors as people_selectors
from hearth.families.forms import RecipientForm
from hearth.people.models import Family
from hearth.plans.models import Review
from hearth.referrals import selectors as referral_selectors
from hearth.sharing.models import DisclosureKind
from hearth.web.once import submit_once

COPY_TITLE = "Download a copy for the family"


def _visible(user, queryset, pk: int, family_of):
    """The object if it exists and the user may see its family; otherwise NotPermitted (a 403 page), so that
    the answer does not say whether the record exists."""
    obj = queryset.filter(pk=pk).first()
    if obj is None or not policy.can_view_family(user, family_of(obj)):
        raise NotPermitted(object_type=queryset.model._meta.label_lower, object_id=pk)
    return obj


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _filename(stem: str, family: Family) -> str:
    return f"{stem}-{family.pk}-{timezone.localdate():%Y-%m-%d}.pdf"


def _copy_page(request, *, family: Family, obj, kind: str, document: str, stem: str, make_pdf,
               own_use_url: str = ""):
    """GET: who is the copy for? POST: the PDF, with the copy recorded as a disclosure."""
    family = people_selectors.family_detail(request.user, family.pk)  # checks access and audits the view
    members = sorted((m for m in family.members.all() if m.left_on is None), key=pieces.member_order)
    form = RecipientForm(request.POST if request.method == "POST" else None, members=members)
    if request.method == "POST" and form.is_valid():
        pdf = make_pdf(form.recipient_text)  # the copy names who it was prepared for
        copies.record_copy(actor=request.user, family=family, kind=kind, obj=obj, recipient=form.recipient_text,
                           person=form.person)
        return pdf_response(pdf, _filename(stem, family))
    return render(request, "documents/copy.html", {
        "form": form, "family": family, "document": document, "title": COPY_TITLE, "own_use_url": own_use_url,
        "holds": personal_data.in_copy(kind),
    })


@require_http_methods(["GET", "POST"])
def assessment_copy_view(request, assessment_id: int):
    assessment = _visible(request.user, Assessment.objects.select_related("family"), assessment_id,
                          lambda a: a.family)
    return _copy_page(request, family=assessment.family, obj=assessment, kind=DisclosureKind.ASSESSMENT_COPY,
                      document="the family's Early Help Assessment", stem="early-help-assessment",
                      make_pdf=lambda recipient: copies.assessment_pdf(request.user, assessment,
                                                                         prepared_for=recipient))


@require_http_methods(["GET", "POST"])
def plan_copy_view(request, episode_id: int):
    episode = _visible(request.user, Episode.objects.select_related("family"), episode_id, lambda e: e.family)
    return _copy_page(request, family=episode.family, obj=episode, kind=DisclosureKind.PLAN_COPY,
                      document="the family's Early Help plan", stem="early-help-plan",
                      make_pdf=lambda recipient: copies.plan_pdf(request.user, episode, prepared_for=recipient))


@require_http_methods(["GET", "POST"])
def review_copy_view(request, review_id: int):
    review = _visible(request.user, Review.objects.select_related("episode__family"), review_id,
                      lambda r: r.episode.family)
    return _copy_page(request, family=review.episode.family, obj=review, kind=DisclosureKind.REVIEW_COPY,
                      document=f"the review of the plan held on {review.held_on:%-d %B %Y}", stem="plan-review",
                      make_pdf=lambda recipient: copies.review_pdf(request.user, review, prepared_for=recipient))


@require_http_methods(["GET", "POST"])
def chronology_copy_view(request, family_id: int):
    family = _visible(request.user, Family.objects.all(), family_id, lambda f: f)
    return _copy_page(request, family=family, obj=family, kind=DisclosureKind.CHRONOLOGY,
                      document="the family's chronology", stem="chronology",
                      make_pdf=lambda recipient: copies.chronology_pdf(request.user, family, prepared_for=recipient),
                      own_use_url=reverse("documents:chronology_pdf", args=[family.pk]))


@require_GET
def chronology_pdf_view(request, family_id: int):
    """The chronology for the practitioner's own use: a direct download, audited as an EXPORT."""
    family = _visible(request.user, Family.objects.all(), family_id, lambda f: f)
    return pdf_response(copies.chronology_pdf(request.user, family), _filename("chronology", family))


@submit_once
@require_http_methods(["GET", "POST"])
def step_up_bundle_view(request, referral_id: int):
    """The step-up bundle as one PDF, for the people screening the referral (`referrals.selectors`): asked for
    here, made by a job (`tasks.step_up_bundle`) and downloaded from the job's page by the person who asked."""
    referral = referral_selectors.referral_for_bundle(request.user, referral_id)
    if request.method == "POST":
        return redirect("jobs:job", task_id=tasks.start(request.user, referral))
    return render(request, "documents/step_up_request.html", {
        "referral": referral, "title": f"The family's documents for {referral.reference}"})
