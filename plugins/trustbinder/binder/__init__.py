"""The `trustbinder/binder` MkDocs plugin.

The auditor binder: criteria, controls, evidence index, coverage, gaps, freshness, requests."""
