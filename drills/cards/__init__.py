"""Flashcards: FSRS scheduling, Anki and CSV import, export, and the review loop's service.

Modules: `options` (limits, retention), `scheduler` (FSRS state in and out of the store),
`markup` and `templates` (Anki notes to written cards), `speakable` (spoken forms and their
problems), `anki_read`/`anki_proto` (.apkg collections), `csv_read`, `importer` (one
transaction per deck), `export`, `curriculum` (unlocking the content's cards), `queue`
(what is due), `desk` (the review session behind the API), `grading` (closeness of an answer).
"""
