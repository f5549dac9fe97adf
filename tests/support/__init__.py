"""Helpers shared by several test folders (importable as `support`, as domain_responses is)."""
