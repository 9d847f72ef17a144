"""The counter workspace."""
