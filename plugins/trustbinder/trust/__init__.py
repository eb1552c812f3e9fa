"""The `trustbinder/trust` MkDocs plugin.

The public trust center: home, documents, subprocessors, feed, FAQ, security.txt."""
