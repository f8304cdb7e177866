from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from . import views

app_name = "portal"


@login_not_required
def sign_in(request):  # replaced by the SMS / printed-code sign-in (issue 16 item 1)
    return HttpResponse(status=501)


urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", sign_in, name="sign_in"),
]
