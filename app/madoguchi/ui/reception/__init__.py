"""The reception workspace."""
