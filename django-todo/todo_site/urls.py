from django.conf import settings
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import include, path

urlpatterns = [
    path("", include("todo.urls")),
]

# /healthz, /readyz and /metrics are answered by todo_site.health middleware.

if settings.DEBUG:
    # Local runs only; in the cluster nginx serves /static/ from STATIC_ROOT.
    urlpatterns += staticfiles_urlpatterns()
