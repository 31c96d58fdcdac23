"""Sitat's Qt face: widgets and Qt models over app/core (no SQL here)."""
