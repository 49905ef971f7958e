"""Viva's tests (a package, so `tests.*` imports find these modules before any installed `tests`)."""
