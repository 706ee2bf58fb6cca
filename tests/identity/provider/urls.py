import json

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import include, path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def sign_in(request):
    """The provider's own sign-in page, as plain as can be (the tests post to it with requests)."""
    if request.method == "POST":
        user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
        if user is not None:
            login(request, user)
            onward = request.GET.get("next", "/")
            return HttpResponseRedirect(onward if url_has_allowed_host_and_scheme(onward, None) else "/")
        return HttpResponse("Wrong username or password", status=401)
    return HttpResponse('<form method="post"><input name="username"><input name="password" type="password">'
                        '<button>Sign in</button></form>')


def discovery(request):
    """django-oauth-toolkit's discovery document, with what the test put in discovery.json over it."""
    from oauth2_provider.views import ConnectDiscoveryInfoView

    document = json.loads(ConnectDiscoveryInfoView.as_view()(request).content)
    overrides = settings.DIR / "discovery.json"
    if overrides.exists():
        document.update(json.loads(overrides.read_text()))
    return JsonResponse(document)


def signed_out(request):
    return HttpResponse("Signed out")


urlpatterns = [
    path("login/", sign_in),
    path("", signed_out),
    path("o/.well-known/openid-configuration", discovery),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
