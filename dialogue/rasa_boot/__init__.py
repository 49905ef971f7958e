"""Rasa-side code that makes Rasa and its action server answer only Viva.

Runs in the Rasa venv (Python 3.10, `cwd` = dialogue/), never in the app: the app starts these
processes through `launch` (dialogue/runtime.py) and never imports this package.
"""
