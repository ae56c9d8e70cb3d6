"""Serialization helpers, as ``django.core.serializers`` (JSON encoder only)."""
