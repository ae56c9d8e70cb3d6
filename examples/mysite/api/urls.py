"""URLconf of the JSON API, included under /api/ with namespace "api"."""

from fastdj.urls import path
from mysite.api import views

app_name = "api"

urlpatterns = [
    path("notes/", views.NoteListView.as_view(), name="note-list"),
    path("notes/<int:pk>/", views.note_detail, name="note-detail"),
]
