"""Test support code: services the tests start themselves, and requirement checks."""
