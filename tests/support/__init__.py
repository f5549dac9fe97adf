"""Helpers shared by several test folders (importable as `support`: pytest puts tests/ on the path)."""
