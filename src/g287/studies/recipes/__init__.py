"""Recipes: published analyses re-run with g287 on their original data (read from where the user keeps it)."""
