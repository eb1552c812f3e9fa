"""The auditor binder as one PDF: rendered from the model with WeasyPrint, evidence merged with pypdf.

`trustbinder.pdf.binder.build_binder_pdf(program, output)` is the entry point. Untrusted evidence PDFs and
images are opened only in child processes with time and memory limits (`sandbox`, `evidence`). This package
file stays empty so those children import only what they need.
"""
