app_name = "dpo"

urlpatterns: list = []
