"""REFI-QDA exchange formats: codebooks (.qdc) now, projects (.qdpx) later."""
