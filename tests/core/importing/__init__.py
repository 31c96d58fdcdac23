"""Tests of the file importers (app/core/importing)."""
