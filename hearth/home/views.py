"""The landing page every sign-in reaches: my families, my due work and my invitations to contribute."""

from django.shortcuts import render

from hearth.accounts.models import Role
from hearth.assessments import selectors as assessment_selectors
from hearth.home import selectors
from hearth.plans import selectors as plan_selectors


def dashboard_view(request):
    page = selectors.families_for_dashboard(request.user, after=request.GET.get("after"),
                                            before=request.GET.get("before"))
    works_with_families = request.user.has_role(Role.PRACTITIONER, Role.COORDINATOR, Role.MANAGER,
                                                Role.SOCIAL_WORKER, Role.MASH_SCREENER)
    return render(request, "home/dashboard.html", {
        "page": page, "title": "My families", "active": "dashboard",
        "due": plan_selectors.due_work(request.user, limit=5) if works_with_families else None,
        "invitations": assessment_selectors.my_invitations(request.user) if works_with_families else [],
    })
