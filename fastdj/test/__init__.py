"""Testing tools, as ``django.test``: Client, RequestFactory, override_settings."""

from fastdj.test.client import Client, RequestFactory
from fastdj.test.testcases import SimpleTestCase, TestCase, TransactionTestCase
from fastdj.test.utils import override_settings

__all__ = [
    "Client",
    "RequestFactory",
    "SimpleTestCase",
    "TestCase",
    "TransactionTestCase",
    "override_settings",
]
