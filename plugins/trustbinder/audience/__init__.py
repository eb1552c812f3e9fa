"""The `trustbinder/audience` MkDocs plugin: one program, built for one audience."""
