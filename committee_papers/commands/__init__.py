"""What a person runs: the command line and its messages, watch, the preview server, new papers, JSON Schemas and
the block reference.

It imports only from itself and sources, models, layout, outputs, agenda, pipeline, reviewing.
"""
