"""The six TechEmpower tests as a fastdj project: its ORM, templates, routing.

Also the project's URLconf (ROOT_URLCONF = "app_fastdj"). Settings:
fastdj_settings.py.
"""

from __future__ import annotations

import os
from operator import attrgetter
from random import randint

os.environ.setdefault("FASTDJ_SETTINGS_MODULE", "fastdj_settings")

from common import ADDITIONAL_FORTUNE, parse_queries  # noqa: E402

from fastdj.core.wsgi import get_wsgi_application  # noqa: E402
from fastdj.db import models  # noqa: E402
from fastdj.http import HttpResponse, JsonResponse  # noqa: E402
from fastdj.shortcuts import render  # noqa: E402
from fastdj.urls import path  # noqa: E402


class World(models.Model):
    randomnumber = models.IntegerField()

    class Meta:
        app_label = "e2e"
        db_table = "world"


class Fortune(models.Model):
    message = models.CharField(max_length=2048)

    class Meta:
        app_label = "e2e"
        db_table = "fortune"


def _one_world() -> dict:
    world = World.objects.get(id=randint(1, 10000))
    return {"id": world.id, "randomNumber": world.randomnumber}


def plaintext(request):
    return HttpResponse(b"Hello, World!", content_type="text/plain")


def json_view(request):
    return JsonResponse({"message": "Hello, World!"})


def db(request):
    return JsonResponse(_one_world())


def queries(request):
    n = parse_queries(request.GET.get("queries"))
    return JsonResponse([_one_world() for _ in range(n)], safe=False)


def fortunes(request):
    rows = list(Fortune.objects.all())
    rows.append(Fortune(id=0, message=ADDITIONAL_FORTUNE))
    rows.sort(key=attrgetter("message"))
    return render(
        request,
        "fortunes.html",
        {"fortunes": rows},
        content_type="text/html; charset=utf-8",
    )


def updates(request):
    n = parse_queries(request.GET.get("queries"))
    worlds = [World.objects.get(id=randint(1, 10000)) for _ in range(n)]
    for world in worlds:
        world.randomnumber = randint(1, 10000)
    World.objects.bulk_update(worlds, ["randomnumber"])
    return JsonResponse(
        [{"id": w.id, "randomNumber": w.randomnumber} for w in worlds], safe=False
    )


urlpatterns = [
    path("plaintext", plaintext),
    path("json", json_view),
    path("db", db),
    path("queries", queries),
    path("fortunes", fortunes),
    path("updates", updates),
]

application = get_wsgi_application()
