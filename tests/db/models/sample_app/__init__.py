"""A tiny installable app: models without an explicit app_label."""
