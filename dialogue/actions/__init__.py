"""Viva's custom Rasa actions: thin HTTP clients of the app's internal API.

`rasa run actions` imports every module of this package and registers each concrete `Action`.
The modules:

- `api`       the HTTP client (`requests`, 2 s timeout, run off the event loop)
- `payload`   the `custom` payload every bot message carries (docs/internal-api.md)
- `commands`  when a control intent inside an answer counts as a command (pure, testable)
- `texts`     what Viva says when the API does not supply the sentence
- `base`      `VivaAction`: one turn, never an exception, never an empty reply
- `session`   start, next, skip, try again, record the answer, stop, yes/no
- `question`  repeat, hint, model answer, the answer form's validation and ask action
- `info`      greet, today's topic, progress, help, speaking rate, pause, fallback
"""
