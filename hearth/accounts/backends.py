"""Loading the signed-in user once per request with what every page needs (agency, council, team)."""

from django.contrib.auth.backends import ModelBackend

from hearth.accounts.models import User


class HearthBackend(ModelBackend):
    def get_user(self, user_id):
        user = User.objects.select_related("agency__council", "team").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
