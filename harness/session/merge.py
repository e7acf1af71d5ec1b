"""``judgeprobe merge``: shard folders put back together as the one run they are parts of.

Each shard folder (``judgeprobe run --shard i/N``) holds a run of some cases: its key digests the judge, the
selection, the options and the shard. Merging checks that the shards are parts of one run — the same judge
configuration, selection and options, every part ``1..N`` exactly once — then writes into a new folder the
variants and draws of every part and records the whole run under the key an unsharded run of the same
command would have, so the merged folder's reports are those of that run (``summary.json`` byte for byte:
the tests in ``tests/harness/test_shard.py`` hold it to that). Draws that two shards both hold (a case can
only be in one part, so this means the folders were merged before, or mixed up) must agree, or the merge is
refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.run.selection import Selection, run_key
from judgeprobe.harness.run.shard import Shard
from judgeprobe.harness.session.tail import RunResults, rewrites_meta_key, run_tail
from judgeprobe.harness.store import RunStore, store_path
from judgeprobe.harness.store.runs import RunRecord
from judgeprobe.probes.variant import Variant

__all__ = ["MergedRun", "merge_shards"]


@dataclass(frozen=True)
class MergedRun:
    """What a merge wrote."""

    shards: tuple[str, ...]
    """The parts merged (``1/4``, ``2/4``, …), in order."""
    draws: int
    """Draws copied."""
    results: RunResults
    """The merged run, read back (its reports written when asked)."""


def _shard_run(folder: Path) -> tuple[RunRecord, Shard, list[Variant], list[Any]]:
    """The shard run of a folder, its part, variants and draw records."""
    if not store_path(folder).is_file():
        raise ConfigError(f"{folder} holds no run store; pass the --out folders of 'judgeprobe run --shard'")
    with RunStore(store_path(folder), read_only=True) as store:
        runs = [run for run in store.runs() if isinstance(run.options.get("shard"), str)]
        if len(runs) != 1:
            found = ", ".join(run.key for run in runs) or "none"
            raise ConfigError(f"{folder} should hold exactly one shard run, it holds {found}")
        (run,) = runs
        return (
            run,
            Shard.parse(run.options["shard"]),
            list(store.run_variants(run)),
            list(store.run_records(run)),
        )


def _whole(run: RunRecord) -> dict[str, Any]:
    """What every part of one run shares: judge, selection, options other than the part, settings."""
    options = {k: v for k, v in run.options.items() if k != "shard"}
    return {"judge_hash": run.judge_hash, "selection": run.selection, "options": options,
            "settings": run.settings}  # fmt: skip


def _interleaved(parts: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """The plan's case order back from its parts (part ``i`` holds positions ``i - 1``, ``i - 1 + N``, …)."""
    total = sum(len(part) for part in parts)
    count = len(parts)
    return tuple(parts[p % count][p // count] for p in range(total))


def merge_shards(folders: Sequence[Path], out: Path, *, write: bool = True) -> MergedRun:
    """Merge shard folders into ``out`` (which must not hold a store yet).

    Raises:
        ConfigError: A folder is not a shard run, the shards are not parts of one run, a part is missing or
            given twice, ``out`` already holds a store, or two shards disagree about a draw.
    """
    if store_path(out).exists():
        raise ConfigError(f"{out} already holds a run store; merge into a new folder")
    parts = [_shard_run(Path(folder)) for folder in folders]
    if not parts:
        raise ConfigError("no shard folders given")
    first = parts[0][0]
    with RunStore(store_path(Path(folders[0])), read_only=True) as part_store:
        # every part keeps the whole plan's left-out rewrites (sharding splits the variants, not the plan)
        rewrites = part_store.get_meta(rewrites_meta_key(first.key))
    for run, shard, _, _ in parts:
        if _whole(run) != _whole(first):
            raise ConfigError(
                f"shard {shard} (run {run.key}) is not a part of the same run as {parts[0][1]} "
                f"(run {first.key}): the judge, the selection, the options and the settings must match"
            )
    count = parts[0][1].count
    seen = sorted(shard.index for _, shard, _, _ in parts)
    if any(shard.count != count for _, shard, _, _ in parts) or seen != list(range(1, count + 1)):
        missing = sorted(set(range(1, count + 1)) - set(seen))
        twice = sorted({i for i in seen if seen.count(i) > 1})
        raise ConfigError(
            f"the shards given are {', '.join(str(s) for _, s, _, _ in parts)}; a merge needs every part "
            f"1..{count} once (missing: {missing or 'none'}, given twice: {twice or 'none'})"
        )
    parts.sort(key=lambda part: part[1].index)
    selection = Selection.from_json(first.selection) if first.selection is not None else Selection()
    repeats = int(first.options.get("repeats", 1))
    variants: dict[str, Variant] = {}
    doubts: dict[str, bool] = {}
    records: dict[tuple[str, int], Any] = {}
    for _, _, part_variants, part_records in parts:
        for variant in part_variants:
            variants.setdefault(variant.id, variant)
        for record in part_records:
            doubts[record.case_id] = record.reference_doubt
            key = (record.variant_id, record.draw)
            known = records.get(key)
            if known is not None and known.verdict != record.verdict:
                raise ConfigError(
                    f"two shards hold different verdicts for draw {record.draw} of {record.variant_id}"
                )
            records[key] = record
    out.mkdir(parents=True, exist_ok=True)
    with RunStore(store_path(out)) as store:
        store.set_meta("judge", {"name": first.judge, "config_hash": first.judge_hash})
        store.set_meta("repeats", repeats)
        store.set_meta("seed", selection.seed)
        store.set_meta("merged_from", [str(shard) for _, shard, _, _ in parts])
        store.put_variants(variants.values(), reference_doubt=doubts)
        store.put_draws(replace(record, run_id=store.run_id) for record in records.values())
        whole = replace(
            first,
            key=run_key(first.judge_hash, selection, repeats=repeats),
            options={k: v for k, v in first.options.items() if k != "shard"},
            variants=len(variants),
            cases=_interleaved([run.cases or () for run, _, _, _ in parts]),
            planned=sum(run.planned or 0 for run, _, _, _ in parts),
            created_at="",
            updated_at="",
        )
        record = store.record_run(whole, variants)
        if rewrites is not None:
            store.set_meta(rewrites_meta_key(record.key), rewrites)
    results = run_tail(out, record, write=write)
    return MergedRun(
        shards=tuple(str(shard) for _, shard, _, _ in parts), draws=len(records), results=results
    )
