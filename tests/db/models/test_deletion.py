"""on_delete semantics and delete() counts, differential against Django 5.2."""

import pytest
from django.db import models as dj_m

from fastdj.db.models import ProtectedError, RestrictedError, signals
from tests.db.conftest import create_tables, django_create_tables, django_drop_tables

from . import dj_models
from . import models as m


@pytest.fixture
def schema(db):
    create_tables(*m.DELETION_MODELS)
    return db


@pytest.fixture
def dj_schema():
    from django.test.utils import override_settings as dj_override_settings

    models_ = [getattr(dj_models, model.__name__) for model in m.DELETION_MODELS]
    # Django follows relations only between installed apps' models.
    with dj_override_settings(
        INSTALLED_APPS=["tests.db.models.dj_apps.DjDbModelsConfig"]
    ):
        django_create_tables(*models_)
        yield
        django_drop_tables(*models_)


def _populate(mod):
    """Create the same rows through ``mod`` (fastdj or Django models)."""
    p1 = mod.Parent.objects.create(id=1, name="p1")
    p2 = mod.Parent.objects.create(id=2, name="p2")
    c1 = mod.ChildCascade.objects.create(id=1, parent=p1)
    mod.ChildCascade.objects.create(id=2, parent=p1)
    mod.ChildCascade.objects.create(id=3, parent=p2)
    mod.GrandChild.objects.create(id=1, child=c1)
    mod.GrandChild.objects.create(id=2, child=c1)
    mod.ChildSetNull.objects.create(id=1, parent=p1)
    mod.ChildSetDefault.objects.create(id=1, parent=p1)
    mod.ChildSet.objects.create(id=1, parent=p1)
    mod.ChildNothing.objects.create(id=1, parent_id=2)
    return p1, p2


def _state(mod):
    out = {}
    for model in m.DELETION_MODELS:
        qs = getattr(mod, model.__name__).objects.order_by("pk")
        fields = [f.attname for f in qs.model._meta.concrete_fields]
        out[model.__name__] = [tuple(getattr(o, f) for f in fields) for o in qs]
    return out


def _label_free(counts):
    total, per_model = counts
    return total, {k.split(".")[1]: v for k, v in per_model.items()}


def test_cascade_set_null_default_set_match_django(schema, dj_schema):
    p1, _ = _populate(m)
    dj_p1, _ = _populate(dj_models)
    got = p1.delete()
    want = dj_p1.delete()
    assert _label_free(got) == _label_free(want)
    assert _state(m) == _state(dj_models)


def test_queryset_delete_counts_match_django(schema, dj_schema):
    _populate(m)
    _populate(dj_models)
    got = m.Parent.objects.all().delete()
    want = dj_models.Parent.objects.all().delete()
    assert _label_free(got) == _label_free(want)
    assert _state(m) == _state(dj_models)


def test_protect(schema, dj_schema):
    p1, _ = _populate(m)
    dj_p1, _ = _populate(dj_models)
    m.ChildProtect.objects.create(id=1, parent=p1)
    dj_models.ChildProtect.objects.create(id=1, parent=dj_p1)
    with pytest.raises(ProtectedError) as ours:
        p1.delete()
    with pytest.raises(dj_m.ProtectedError) as theirs:
        dj_p1.delete()
    assert str(ours.value.args[0]) == str(theirs.value.args[0])
    assert {o.pk for o in ours.value.protected_objects} == {1}
    assert _state(m) == _state(dj_models)


def test_restrict_blocks_unless_cascaded(schema, dj_schema):
    p1, p2 = _populate(m)
    dj_p1, dj_p2 = _populate(dj_models)
    # Held only by RESTRICT: refused.
    m.ChildRestrict.objects.create(id=1, parent=p2)
    dj_models.ChildRestrict.objects.create(id=1, parent=dj_p2)
    with pytest.raises(RestrictedError) as ours:
        p2.delete()
    with pytest.raises(dj_m.RestrictedError) as theirs:
        dj_p2.delete()
    assert ours.value.args[0] == theirs.value.args[0]
    # Also reached by a CASCADE path from the same delete: allowed.
    c = m.ChildCascade.objects.get(pk=1)
    m.ChildRestrict.objects.create(id=2, parent=p1, via=c)
    dj_models.ChildRestrict.objects.create(
        id=2, parent=dj_p1, via=dj_models.ChildCascade.objects.get(pk=1)
    )
    m.ChildRestrict.objects.filter(pk=1).delete()
    dj_models.ChildRestrict.objects.filter(pk=1).delete()
    assert _label_free(p1.delete()) == _label_free(dj_p1.delete())
    assert _state(m) == _state(dj_models)


def test_do_nothing_leaves_rows(schema):
    _, p2 = _populate(m)
    m.ChildCascade.objects.filter(parent=p2).delete()
    total, per_model = p2.delete()
    assert per_model == {"tests_db_models.Parent": 1}
    assert m.ChildNothing.objects.get(pk=1).parent_id == 2


def test_signals_sent_for_collected_objects(schema):
    p1, _ = _populate(m)
    deleted = []

    def on_delete(sender, instance, origin, **kwargs):
        deleted.append((sender.__name__, instance.pk, origin))

    signals.post_delete.connect(on_delete, sender=m.GrandChild)
    try:
        p1.delete()
    finally:
        signals.post_delete.disconnect(on_delete, sender=m.GrandChild)
    assert sorted((name, pk) for name, pk, _ in deleted) == [
        ("GrandChild", 1),
        ("GrandChild", 2),
    ]
    assert all(origin is p1 for _, _, origin in deleted)


def test_instances_updated_after_set_null(schema):
    p1, _ = _populate(m)
    child = m.ChildSetNull.objects.get(pk=1)
    assert child.parent_id == 1
    p1.delete()
    child.refresh_from_db()
    assert child.parent_id is None
