"""The command-line interface; see ``harness.cli.main``."""
