"""Viva's study layer: the curriculum content, the 31-day plan, grading, the study store,
the study service and the internal API the Rasa actions call.

Entry points: `drills.app.build_service(settings)` and
`drills.api.create_api_app(service, options)`. Nothing is imported here, so importing
`drills.options` stays cheap for the settings loader.
"""
