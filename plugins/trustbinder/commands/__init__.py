"""Sub-commands of the `trustbinder` command line, one module per feature."""
