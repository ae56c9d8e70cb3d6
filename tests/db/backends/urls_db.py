"""URLconf for the request-cycle connection tests: one view that reads a table."""

from fastdj.db import connection
from fastdj.http import JsonResponse
from fastdj.urls import path


def count_view(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        (count,) = cursor.fetchone()
    pid = None
    if connection.vendor == "postgresql":
        pid = connection.connection.info.backend_pid
    return JsonResponse({"count": count, "pid": pid})


urlpatterns = [path("count/", count_view)]
