"""Break-glass access: opening a family in an emergency, and the reviewers' pages."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from hearth.access import policy, services
from hearth.access.forms import BreakGlassForm, BreakGlassReviewForm
from hearth.web.jinja import uk_datetime
from hearth.web.once import submit_once
from hearth.web.refusals import refusal_on


@submit_once
def break_glass_open_view(request, family_id: int):
    """The user cannot see this family: nothing about it is loaded or shown except its id."""
    family = services.family_for_break_glass(request.user, family_id)
    if request.method == "GET" and policy.can_view_family(request.user, family):
        messages.info(request, services.ALREADY_VISIBLE)
        return redirect("families:family", family_id=family.pk)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            use = services.break_glass_open(actor=request.user, family=family, reason=form.cleaned_data["reason"])
        if attempt.ok:
            messages.success(request, f"You have break-glass access to this family until "
                                      f"{uk_datetime(use.expires_at)}. Your data protection officer and your "
                                      "manager have been told.")
            return redirect("families:family", family_id=family.pk)
    return render(request, "access/break_glass_open.html", {
        "form": form, "family_id": family.pk, "duration": services.duration_text(),
        "title": "Open a family's record in an emergency",
    })


def break_glass_reviews_view(request):
    uses = services.break_glass_uses_for_review(request.user)
    page = Paginator(uses, 50).get_page(request.GET.get("page"))
    services.record_reviews_viewed(request.user, list(page.object_list))
    return render(request, "access/break_glass_reviews.html", {
        "page": page, "now": timezone.now(), "title": "Break-glass reviews",
    })


def break_glass_review_view(request, break_glass_id: int):
    use = services.break_glass_for_review(request.user, break_glass_id)
    form = BreakGlassReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            services.break_glass_review(actor=request.user, break_glass=use, note=form.cleaned_data["note"])
        if attempt.ok:
            messages.success(request, f"Your review of break-glass use {use.pk} has been recorded.")
            return redirect("access:break_glass_reviews")
    return render(request, "access/break_glass_review.html", {
        "form": form, "use": use, "now": timezone.now(), "own": use.user_id == request.user.pk,
        "title": f"Review break-glass use {use.pk}",
    })
