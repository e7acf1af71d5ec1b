"""Running: planning the variants, sending draws to a judge (retries, rate limits, progress), batch and
search.

Public names are in the modules: :mod:`judgeprobe.harness.run.plan`, :mod:`judgeprobe.harness.run.runner`,
:mod:`judgeprobe.harness.run.options`, :mod:`judgeprobe.harness.run.selection` (what a run covers, and its
key), :mod:`judgeprobe.harness.run.batch`, :mod:`judgeprobe.harness.run.search`.
"""
