"""The command-line interface; see ``judgeprobe.harness.cli.main``."""
