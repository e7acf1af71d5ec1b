"""Imported by the fork server before it forks grading workers (Linux): loads sympy and the answer-kind
table and runs a warm-up grading once, so that every worker forked from the server starts warm.

Importing this module has that side effect on purpose; nothing else imports it.
"""

from judgeprobe.cases.answers.isolation_worker import warm

warm()
