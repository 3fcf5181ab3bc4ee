from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("om/", views.about, name="about"),
    path("tilgjengelighet/", views.accessibility, name="accessibility"),
    path("i18n/sprak/", set_language, name="set_language"),
    path("", include("losen.apps.accounts.urls")),
    path("personer/", include("losen.apps.persons.urls")),
    path("revisjon/", include("losen.apps.audit.urls")),
    path("klinisk/", include("losen.apps.clinical.urls")),
    path("styringsinformasjon/", include("losen.apps.insight.urls")),
    path("prioritering/", include("losen.apps.priorities.urls")),
    path("vedtak/", include("losen.apps.cases.urls")),
    path("kriterier/", include("losen.apps.criteria.urls")),
    path("kunnskap/", include("losen.apps.knowledge.urls")),
    path("veiledere/", include("losen.apps.guidance.urls")),
    path("samhandling/", include("losen.apps.interop.urls")),
    path("fhir/", include("losen.apps.interop.fhir_urls")),
    path("", include("losen.apps.interop.cds_urls")),
    path("apent/", include("losen.apps.priorities.public_urls")),
    path("apent/", include("losen.apps.cases.public_urls")),
    path("apent/", include("losen.apps.knowledge.public_urls")),
]

if getattr(settings, "OIDC_ENABLED", False):
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler403 = "losen.web.views.error_403"
handler404 = "losen.web.views.error_404"
handler500 = "losen.web.views.error_500"
