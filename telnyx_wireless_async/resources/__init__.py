"""API resources: one module per resource, each mapping calls to paths and parameters."""
