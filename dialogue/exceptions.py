"""Errors of the dialogue layer."""


class DialogueError(Exception):
    """Base class for dialogue errors."""


class DialogueUnavailable(DialogueError):
    """Rasa (or its action server) is down, slow or answered garbage; the message says which."""


class RasaSetupError(DialogueError):
    """Rasa cannot be started: no venv, training failed, a port is taken…"""
