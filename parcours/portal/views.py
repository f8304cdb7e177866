from django.shortcuts import render

from . import sections
from .auth import person_required


@person_required
def home(request):
    return render(
        request,
        "portal/home.html",
        {"access": request.portal_access, "sections": sections.render_data(request.portal_access)},
    )
