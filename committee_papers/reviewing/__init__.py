"""The reviewer's round trip: read a reviewed DOCX, apply its tracked changes to the YAML, and redline a paper
against an earlier revision.

It imports only from itself and sources, models, layout, outputs, agenda, pipeline. Nothing here imports
commands: tests/test_layers.py fails if it does.
"""
