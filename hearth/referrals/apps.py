from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "hearth.referrals"
    label = "referrals"
