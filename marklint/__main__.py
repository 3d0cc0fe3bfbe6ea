"""``python -m marklint`` runs the command line."""

from marklint.cli import run

run()
