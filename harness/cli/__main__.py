"""``python -m judgeprobe.harness.cli``: the same command as the ``judgeprobe`` console script."""

from judgeprobe.harness.cli.main import main

main()
