"""The build's two phases: check every paper and meeting, then lay out what changed on every core and bind the
packs.

It imports only from itself and sources, models, layout, outputs, agenda. Nothing here imports reviewing,
commands: tests/test_layers.py fails if it does.
"""
