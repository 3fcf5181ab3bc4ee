from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from losen.apps.accounts.access import member_required
from losen.apps.accounts.models import Role

from .selectors import audit_entries_for_municipality


@vary_on_headers("HX-Request")
@member_required(Role.ADMIN)
def audit_log(request):
    paginator = Paginator(audit_entries_for_municipality(request.municipality), 50)
    page = paginator.get_page(request.GET.get("side"))
    # With HTMX the pager swaps only the table; without JavaScript the links load whole pages.
    template = "audit/log_page.html" if request.htmx else "audit/log.html"
    return render(request, template, {"page": page})
