"""The `trustbinder/handbook` MkDocs plugin.

The internal policy handbook: lifecycle fields, review dashboard, criteria index."""
