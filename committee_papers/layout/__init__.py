"""Lay a checked paper out as dialect HTML with the council's templates, drawn in a sandbox, with its contents
list and the files it may draw on.

It imports only from itself and sources, models. Nothing here imports outputs, agenda, pipeline, reviewing,
commands: tests/test_layers.py fails if it does.
"""
