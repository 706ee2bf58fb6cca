"""Loading the signed-in user once per request with what every page needs (agency, council, team, roles), in
one query."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import OuterRef, Subquery

from hearth.accounts.models import User, UserRole
from hearth.core.sql import JoinedText


class HearthBackend(ModelBackend):
    def get_user(self, user_id):
        roles = UserRole.objects.filter(user=OuterRef("pk")).order_by().values("user").annotate(
            names=JoinedText("role")).values("names")
        user = (User.objects.select_related("agency__council", "team").annotate(role_names=Subquery(roles))
                .filter(pk=user_id).first())
        if user is None or not self.user_can_authenticate(user):
            return None
        user.remember_roles(user.role_names.split(",") if user.role_names else ())
        return user
