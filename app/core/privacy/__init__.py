"""Pseudonymisation: sensitive terms, suggestions, replacement in export or in the stored texts."""
