"""The supervisor workspace."""
