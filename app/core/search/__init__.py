"""Full-text search: Norwegian analysis, the whoosh index, queries."""
