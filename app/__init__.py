"""Sitat: qualitative analysis of interview transcripts for User Interviews User evaluations."""

__version__ = "0.1.0"
