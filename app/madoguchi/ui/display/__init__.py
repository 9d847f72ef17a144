"""The display workspace."""
