"""The run store: one SQLite file per run folder (variants, draws, metadata), and reading it back.

``RunStore`` and ``store_path`` are the facade; :mod:`judgeprobe.harness.store.frame` turns a store into a
pandas frame.
"""

from judgeprobe.harness.store.run_store import SCHEMA_VERSION, STORE_FILENAME, RunStore, store_path
from judgeprobe.harness.store.runs import RunRecord
from judgeprobe.harness.store.variant_json import variant_from_json, variant_to_json

__all__ = [
    "SCHEMA_VERSION",
    "STORE_FILENAME",
    "RunRecord",
    "RunStore",
    "store_path",
    "variant_from_json",
    "variant_to_json",
]
