"""Turn dialect HTML into what is published: tagged PDF, DOCX with its reference styles, the web page; write
files whole and remember what earlier builds made.

It imports only from itself and sources, models, layout. Nothing here imports agenda, pipeline, reviewing,
commands: tests/test_layers.py fails if it does.
"""
