"""Helpers for tests/test_judges.py: serve a built site under a base path, find and run the judges."""
