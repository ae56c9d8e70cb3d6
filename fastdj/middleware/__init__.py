"""Middleware shipped with fastdj, as ``django.middleware``."""
