"""The application registry: installed apps and the models they define."""

from fastdj.apps.config import AppConfig
from fastdj.apps.registry import apps

__all__ = ["AppConfig", "apps"]
