"""Read what officers and councils write: YAML with a line and column for every value, rows from spreadsheets,
Markdown prose and notes, dates, where each value was written (provenance), and the errors and project data
every later stage shares.

It imports from no other stage. Nothing here imports models, layout, outputs, agenda, pipeline, reviewing,
commands: tests/test_layers.py fails if it does.
"""
