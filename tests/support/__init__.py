"""Helpers shared by several test folders (tests/ is on the import path, as for domain_responses)."""
