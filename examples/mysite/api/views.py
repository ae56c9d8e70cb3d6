"""A JSON API over an in-memory store of notes (the ORM arrives later).

GET /api/notes/           list
POST /api/notes/          create from {"title": str, "body": str}; 201 + Location
GET /api/notes/<pk>/      detail
DELETE /api/notes/<pk>/   delete; 204
"""

import json
import threading

from fastdj.http import HttpResponse, JsonResponse
from fastdj.urls import reverse
from fastdj.views import View
from fastdj.views.decorators.http import require_http_methods

MAX_TITLE = 200

_lock = threading.Lock()
_notes: dict[int, dict] = {}
_next_id = 1


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _validate(payload) -> tuple[dict | None, str | None]:
    """Return (note fields, None) or (None, the reason the payload is invalid)."""
    if not isinstance(payload, dict):
        return None, "The body must be a JSON object."
    unknown = set(payload) - {"title", "body"}
    if unknown:
        return None, f"Unknown fields: {', '.join(sorted(unknown))}."
    title = payload.get("title")
    if not isinstance(title, str) or not title.strip():
        return None, "title is required and must be a non-empty string."
    if len(title) > MAX_TITLE:
        return None, f"title must be at most {MAX_TITLE} characters."
    body = payload.get("body", "")
    if not isinstance(body, str):
        return None, "body must be a string."
    return {"title": title.strip(), "body": body}, None


class NoteListView(View):
    """List notes (GET) and create one (POST, JSON body)."""

    def get(self, request):
        with _lock:
            notes = [{"id": pk, **note} for pk, note in sorted(_notes.items())]
        return JsonResponse({"notes": notes})

    def post(self, request):
        global _next_id
        if request.content_type != "application/json":
            return _error("Send the note as application/json.", status=415)
        try:
            payload = json.loads(request.body)
        except (UnicodeDecodeError, ValueError) as exc:
            return _error(f"Malformed JSON: {exc}")
        fields, problem = _validate(payload)
        if problem:
            return _error(problem)
        with _lock:
            pk = _next_id
            _next_id += 1
            _notes[pk] = fields
        response = JsonResponse({"id": pk, **fields}, status=201)
        response["Location"] = reverse("api:note-detail", args=[pk])
        return response


@require_http_methods(["GET", "HEAD", "DELETE"])
def note_detail(request, pk):
    with _lock:
        note = _notes.get(pk)
        if note is not None and request.method == "DELETE":
            del _notes[pk]
            return HttpResponse(status=204)
    if note is None:
        return _error(f"No note with id {pk}.", status=404)
    return JsonResponse({"id": pk, **note})
