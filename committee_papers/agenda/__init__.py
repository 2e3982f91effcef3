"""Agenda packs: a meeting's items and publication deadlines, and the bound pack.

It imports only from itself and sources, models, layout, outputs. Nothing here imports pipeline, reviewing,
commands: tests/test_layers.py fails if it does.
"""
