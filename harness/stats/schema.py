"""The summary object (``summary.json``): versioned, every field documented (see ``docs/summary-schema.md``).

Rates are proportions in ``[0, 1]`` and always travel with their ``n`` and a 95 % interval. Bump
:data:`SCHEMA_VERSION` on any change that renames or removes a field or changes its meaning.
"""

from __future__ import annotations

from typing import Literal

from judgeprobe.harness.core.cost import Price
from judgeprobe.harness.stats.rate import FrozenModel, Rate
from judgeprobe.harness.stats.verdict_schema import ErrorReason, JudgeCheck, JudgeVerdict

__all__ = [
    "SCHEMA_VERSION",
    "AccuracyRow",
    "CalibrationBinModel",
    "CalibrationModel",
    "ControlResult",
    "DoseCurve",
    "DosePoint",
    "DrawCounts",
    "ErrorReason",
    "FlippedVariant",
    "GridCell",
    "HleMetrics",
    "InvariantResult",
    "JudgeCheck",
    "JudgeVerdict",
    "PositionResult",
    "Rate",
    "RejectedRewriteModel",
    "RewriteCounts",
    "RunInfo",
    "SelfPreference",
    "SelfPreferenceStratum",
    "SequentialInfo",
    "SequentialTest",
    "Settings",
    "Summary",
    "UsageInfo",
]

SCHEMA_VERSION = "1.2"
"""Version of the summary schema."""

Verdict = Literal["biased", "clean", "inconclusive"]


class DrawCounts(FrozenModel):
    """Draws by how they ended."""

    draws: int
    """All draws."""
    judged: int
    """Draws with an outcome."""
    unscored: int
    """Replies that could not be read as a verdict."""
    error: int
    """Draws with no usable reply after retries."""
    skipped: int
    """Requests the judge does not handle."""


class Settings(FrozenModel):
    """The pre-declared analysis settings."""

    threshold: float
    """Practical threshold: the smallest excess flip rate (over placebo) worth calling a bias."""
    alpha: float
    """False-discovery level for q-values."""
    power: float
    """Power at which the minimum detectable effect is computed."""
    confidence: float
    """Confidence level of every interval."""
    bootstrap_resamples: int
    """Cluster-bootstrap resamples."""
    seed: int
    """Seed of the bootstrap."""
    min_clusters: int
    """Below this many cases a result carries a few-clusters warning."""
    calibration_bin_size: int
    """Items per calibration bin."""
    max_control_miss_rate: float = 0.25
    """The judge is unreliable when it misses more than this share of all controls pooled (a judge that says
    "yes" to everything misses every one)."""
    min_accuracy: float = 0.6
    """The judge is unreliable when its unperturbed verdicts agree with the labels less often than this
    (disputed references left out)."""
    max_error_share: float = 0.1
    """The judge is unreliable when more than this share of the draws it was asked ended in errors."""
    max_unscored_share: float = 0.1
    """The judge is unreliable when more than this share of the draws it was asked got unreadable replies."""


class UsageInfo(FrozenModel):
    """Tokens the run's judge calls used, and what they cost at the judge's price."""

    calls: int
    """Draws of the run that were judge calls (not answered from the store or by an identical request)."""
    calls_with_usage: int
    """Of the calls: those whose judge reported token counts (the others have no cost)."""
    input_tokens: int
    """Prompt tokens of those calls, cached ones included."""
    cached_input_tokens: int
    """Of the prompt tokens: those read from the provider's prompt cache."""
    output_tokens: int
    """Reply tokens of those calls."""
    cost: float | None
    """What those calls cost at ``price`` (``None``: the judge file gives no price)."""
    price: Price | None
    """The judge's prices per million tokens (``[judge.price]``), as the run used them."""


class SequentialTest(FrozenModel):
    """How an adaptive run settled one invariant test (``docs/summary-schema.md``: sequential sampling)."""

    look: int
    """The round whose draws the result is computed from: each of the test's variants had this many draws
    (and each of its units this many base and placebo draws) when it stopped."""
    stop: Literal["biased", "clean", "futile", "max_draws", "budget", "open"]
    """Why it stopped drawing: decided ``biased`` or ``clean`` (a family also stops ``biased`` once one of its
    probes is called biased: it is reported biased through that probe); ``futile``, more draws were unlikely
    to decide it; ``max_draws``, it had the most draws; ``budget``, the run's budget ran out; ``open``, the
    run ended first."""
    critical: float
    """The boundary's critical value at this look: ``excess_ci`` is the look's interval at this ``z``."""
    level: float
    """Confidence level of this look's interval taken alone; the intervals of all looks cover together at
    ``Settings.confidence``."""
    p_look: float
    """The look's exact McNemar p-value taken alone; ``p`` is the repeated p-value, valid at any stopping
    look."""
    decide_chance: float | None
    """Predictive probability, at this look, of a decision: a ``biased`` call by the last round, or a
    ``clean`` call within the rule's ``clean_horizon`` rounds (``futile`` below
    ``SequentialInfo.futility``); at look 1 under a look-1 rule (``SequentialInfo.rule`` names it) each
    call's probability is held to its own threshold; ``None`` when not computed (decided, or at the last
    round)."""


class SequentialInfo(FrozenModel):
    """The stopping rule of an adaptive run, and how the run ended."""

    rule: str
    """The stopping rule, in words."""
    max_draws: int
    """The most draws of any variant (the looks the boundaries are made for)."""
    shape: float
    """Wang–Tsiatis shape of the boundaries (0 O'Brien–Fleming, 0.5 Pocock)."""
    futility: float
    """A test stops when its predictive probability of being decided by the last round is below this."""
    futility_from: int
    """The first look at which a test may stop for futility."""
    base_draws: int
    """The most base (non-placebo) draws of a unit (its base verdict is their modal outcome)."""
    rounds: int
    """Rounds made."""
    stopped: str
    """Why the run stopped drawing."""
    draws: int
    """Draws the rounds made (base, placebo, control and invariant draws)."""
    max_calls: int | None
    """Budget on draws (``--max-calls``), if any."""
    max_cost: float | None
    """Budget on cost (``--max-cost``), if any."""
    draws_per_variant: dict[str, int]
    """Number of draws -> variants (invariant and control) that had that many; base variants count their
    base draws."""
    tests: dict[str, int]
    """Stop reason -> tests (probes and families) that stopped for it."""


class RunInfo(FrozenModel):
    """What was run."""

    run_id: str | None
    """Run key: judge hash prefix and a digest of the selection and repeats (``judgeprobe runs``)."""
    judge: str | None
    """Judge display name."""
    judge_hash: str | None
    """Judge configuration hash."""
    repeats: int
    """Draws per variant (``K``); base variants have ``2K`` (``K`` base + ``K`` placebo)."""
    cases: int
    """Cases with at least one draw."""
    units: int
    """Units (case responses / pairs) with at least one draw."""
    variants: int
    """Variants with at least one draw (base variants included)."""
    placebo_present: bool
    """Whether placebo draws exist; without them excess equals the raw flip rate."""
    draws: DrawCounts
    """All draws by status."""
    policy: str = "semantic"
    """Grading policy the labels held under (``semantic`` or ``strict``)."""
    usage: UsageInfo | None = None
    """Tokens and cost of the run's calls (``None``: not recorded with the run)."""
    sequential: SequentialInfo | None = None
    """Adaptive runs: the stopping rule and how the run ended (``None``: fixed repeats)."""


class InvariantResult(FrozenModel):
    """Flip statistics of one invariant probe or one family of probes."""

    level: Literal["probe", "family"]
    """``probe`` or ``family`` (all invariant probes of the family pooled)."""
    family: str
    """Probe family."""
    probe: str | None
    """Probe name (``None`` at family level)."""
    cases: int
    """Cases (clusters) with at least one pair."""
    units: int
    """Units with at least one pair."""
    variants: int
    """Variants with at least one pair."""
    pairs: int
    """(variant draw, placebo draw) pairs where both are judged and the unit has a base verdict."""
    draws: DrawCounts
    """The variants' draws by status (unscored and errored draws are never flips)."""
    unpaired: int
    """Judged variant draws left out: no base verdict or no judged placebo partner."""
    flips: Rate
    """Variant draws whose outcome differs from the base verdict, over pairs."""
    placebo: Rate
    """Placebo draws whose outcome differs from the base verdict, over the same pairs."""
    excess: float | None
    """Flip rate minus placebo rate."""
    excess_ci: tuple[float, float]
    """Reported 95 % interval of the excess: the union of the cluster bootstrap interval, the cluster-robust
    interval and the Newcombe interval widened by the square root of the design effect. The placebo draws
    every probe of a unit is compared with are inside each case's cluster, so their sampling error is in
    the interval (schema 1.1; 1.0 joined the bootstrap and the unwidened Newcombe interval only)."""
    excess_ci_bootstrap: tuple[float, float]
    """Percentile cluster bootstrap (resampling cases) interval."""
    excess_ci_newcombe: tuple[float, float]
    """Newcombe paired-difference interval (pairs treated as independent; not widened)."""
    excess_ci_cluster: tuple[float, float] = (-1.0, 1.0)
    """Cluster-robust (sandwich) interval by case with Student's t on ``cases - 1`` degrees of freedom."""
    discordant: tuple[int, int]
    """``[b, c]``: pairs where only the variant flipped, and where only the placebo did."""
    p: float
    """Two-sided exact McNemar p-value on the discordant counts divided by the design effect (a Rao–Scott
    style correction for clustering by case; with a design effect of 1 it is the plain exact test)."""
    p_midp: float
    """Two-sided mid-p McNemar p-value on the same (adjusted) counts."""
    q: float | None
    """Benjamini–Hochberg q-value (scope: ``Summary.bh_scope``)."""
    design_effect: float
    """Variance inflation, at least 1: the largest of clustering by case (bootstrap or cluster-robust variance
    over the variance of independent pairs) and placebo reuse (one placebo draw partners every variant of
    its unit)."""
    mde: float | None
    """Minimum detectable excess at the realised pairs, placebo rate and design effect (``None``: none)."""
    verdict: Verdict
    """``biased``: q < alpha, excess >= threshold and the interval above 0; ``clean``: interval's upper bound
    below the threshold; ``inconclusive`` otherwise. A family is also ``biased`` when any of its probes is."""
    pairs_to_decide: int | None
    """Inconclusive only: total pairs at which the interval would be narrow enough to decide."""
    more_pairs: int | None
    """Inconclusive only: ``pairs_to_decide - pairs`` (at least 1)."""
    few_clusters: bool
    """Fewer cases than ``Settings.min_clusters``: the interval is less trustworthy."""
    flip_classes: dict[str, int]
    """Flipped (and unscored) variant draws by class: ``extraction_error``, ``equivalence_error``,
    ``parse_failure``, ``unclassified``."""
    note: str
    """One line explaining the verdict."""
    sequential: SequentialTest | None = None
    """Adaptive runs: the look the result comes from and why the test stopped (``None``: fixed repeats).
    Then ``excess_ci`` is the look's repeated confidence interval and ``p``, ``p_midp`` repeated p-values."""


class PositionResult(FrozenModel):
    """Position bias of a pairwise judge from pairs judged in both orders (see
    ``judgeprobe.harness.stats.position``): draw ``j`` of a pair's unperturbed variant matched with draw
    ``j`` of its ``position.swap`` variant."""

    cases: int
    """Cases (clusters) with at least one matched draw."""
    units: int
    """Pairs with at least one matched draw."""
    derived_units: int
    """Of ``units``, the pairs derived from grade cases."""
    pairs: int
    """Matched draws: both orders judged."""
    unmatched: int
    """Judged draws of either order whose partner in the other order was not judged (left out)."""
    consistency: Rate
    """Matched draws with the same outcome in both orders (same response preferred, or tie both times);
    Wilson interval."""
    consistency_ci: tuple[float, float]
    """Reported 95 % interval of the consistency, clustered by case."""
    slot1_both: int
    """Matched draws where each order preferred the response it showed first."""
    slot2_both: int
    """Matched draws where each order preferred the response it showed second."""
    tie_one_order: int
    """Inconsistent matched draws with a tie in exactly one order."""
    slot1_share: Rate
    """``slot1_both / (slot1_both + slot2_both)``: a fair judge's is 50 %; Wilson interval."""
    slot1_share_ci: tuple[float, float]
    """Reported 95 % interval of the slot-1 share, clustered by case."""
    fairness: float
    """Preference fairness: mean lean, ``-1..1`` (each order +1 slot 1 won, -1 slot 2 won, 0 tie; averaged
    over the two orders). 0 is fair; ``+p`` is a judge that picks slot 1 with probability ``p``."""
    fairness_ci: tuple[float, float]
    """Reported 95 % interval of the fairness, clustered by case."""
    p: float
    """Two-sided exact binomial (McNemar) p-value of ``slot1_both`` against ``slot2_both``, on the counts
    divided by the design effect."""
    p_midp: float
    """Two-sided mid-p value on the same counts."""
    q: float | None
    """Benjamini–Hochberg q-value, in the report's one family (``Summary.bh_scope``)."""
    design_effect: float
    """Variance inflation of the lean from clustering by case (at least 1)."""
    verdict: Verdict
    """``biased``: q < alpha, ``|fairness|`` >= threshold and its interval excludes 0; ``clean``: the interval
    lies within ±threshold; ``inconclusive`` otherwise. It also decides ``position.swap``'s verdict."""
    few_clusters: bool
    """Fewer cases than ``Settings.min_clusters``."""
    note: str
    """One line explaining the verdict."""


class SelfPreferenceStratum(FrozenModel):
    """One label stratum of a self-preference comparison."""

    label: str
    """Grade: the responses' label (``correct``/``incorrect``). Pairwise: the family's response relative to
    the other one (``better``/``worse``/``tie``)."""
    n_own: int
    """Grade: judged draws of the family's responses. Pairwise: judged draws of such pairs."""
    n_other: int
    """Grade: judged draws of other families' responses. Pairwise: the same as ``n_own``."""
    own: float | None
    """Grade: acceptance (``correct`` verdicts) of the family's responses. Pairwise: the family's win share
    (a tie counts half)."""
    other: float | None
    """Grade: acceptance of other families' responses. Pairwise: the other response's win share."""


class SelfPreference(FrozenModel):
    """How a judge treats one author family's responses against other families', at equal labels (see
    ``judgeprobe.harness.stats.self_preference``)."""

    mode: Literal["grade", "pairwise"]
    """Which comparison: acceptance (grade) or win share in mixed pairs judged in both orders (pairwise)."""
    family: str
    """The author family."""
    own: bool
    """The judge's own family: its judge name contains the family's name (the longest match)."""
    cases: int
    """Cases (clusters) in the comparison."""
    draws: int
    """Judged unperturbed draws in the comparison (pairwise: both orders)."""
    difference: float | None
    """Self-preference in proportion points at equal labels: grade, the Mantel–Haenszel difference in
    acceptance; pairwise, ``w(better) + w(worse) - 1`` and ``2 w(tie) - 1`` combined. 0 is fair."""
    difference_ci: tuple[float, float]
    """95 % percentile cluster bootstrap interval (cases resampled)."""
    raw_difference: float | None
    """The same comparison without conditioning on labels (what a naive count says; a stronger model looks
    self-preferred here)."""
    strata: tuple[SelfPreferenceStratum, ...]
    """The comparison label by label."""
    verdict: Verdict | None
    """Own family only: ``biased`` (interval excludes 0, ``|difference|`` >= threshold), ``clean`` (interval
    within ±threshold) or ``inconclusive``; ``None`` for other families."""
    few_clusters: bool
    """Fewer cases than ``Settings.min_clusters``."""
    note: str
    """One line explaining the verdict."""


class ControlResult(FrozenModel):
    """Miss statistics of one control probe or family."""

    level: Literal["probe", "family"]
    """``probe`` or ``family``."""
    family: str
    """Probe family."""
    probe: str | None
    """Probe name (``None`` at family level)."""
    cases: int
    """Cases with at least one usable draw."""
    units: int
    """Units with at least one usable draw."""
    variants: int
    """Variants with at least one usable draw."""
    draws: DrawCounts
    """The variants' draws by status."""
    misses: Rate
    """Judged draws whose outcome equals the base verdict, over units whose base verdict agreed with their
    label (the judge understood the original, so an unchanged verdict means it ignored the change)."""
    label_agreement: Rate
    """Judged draws whose outcome matches the control's new label."""
    excluded: int = 0
    """Judged draws left out of ``misses``: the unit's base verdict already disagreed with its label."""
    few_clusters: bool
    """Fewer cases than ``Settings.min_clusters``."""


class DosePoint(FrozenModel):
    """Flip rate at one dose."""

    dose: float
    """Dose (padding words, repetitions)."""
    flips: Rate
    """Flips over judged draws with a base verdict at this dose."""
    placebo_rate: float | None
    """Placebo rate of the same pairs."""


class DoseCurve(FrozenModel):
    """Dose → flip rate for one graded probe."""

    family: str
    """Probe family."""
    probe: str
    """Probe name."""
    points: tuple[DosePoint, ...]
    """Points, by increasing dose."""


class AccuracyRow(FrozenModel):
    """Agreement with the adjudicated labels for one answer kind."""

    answer_kind: str
    """Answer kind (``pairwise`` / ``score`` for those modes)."""
    reference_doubt: bool
    """Rows of cases whose reference is disputed are kept apart."""
    stage: Literal["before", "after"]
    """``before``: base draws; ``after``: invariant variant draws."""
    agreement: Rate
    """Judged draws whose outcome matches the label."""
    undecided: int = 0
    """Draws of this kind and stage the judge left unscored (a grader that could not read the answer says
    which part in the draw's reason); counted apart, never in ``agreement``."""


class CalibrationBinModel(FrozenModel):
    """One calibration bin."""

    n: int
    """Items."""
    mean_confidence: float
    """Mean stated confidence (proportion)."""
    accuracy: float
    """Share right."""


class CalibrationModel(FrozenModel):
    """RMS calibration error with its bins (see ``judgeprobe.harness.stats.calibration``)."""

    rms: float
    """RMS calibration error (proportion; HLE prints it times 100)."""
    n: int
    """Items with a confidence."""
    bin_size: int
    """Target bin size; the last bin takes the remainder and is counted."""
    bins: tuple[CalibrationBinModel, ...]
    """Bins, lowest confidence first."""


class HleMetrics(FrozenModel):
    """HLE-style accuracy and calibration for grade-mode draws, before or after perturbation."""

    stage: Literal["before", "after"]
    """``before``: base draws (placebo excluded); ``after``: invariant variant draws."""
    draws: DrawCounts
    """Grade-mode draws of the stage by status."""
    accuracy: Rate
    """Judged draws agreeing with the label, over judged draws."""
    accuracy_all: Rate
    """The same agreements over all draws (unjudged count as wrong, the HLE convention)."""
    calibration: CalibrationModel | None
    """Calibration over judged draws that state a confidence (``None``: none did)."""


class GridCell(FrozenModel):
    """One cell of the case × family grid."""

    case_id: str
    """Case."""
    family: str
    """Family."""
    relation: Literal["invariant", "control"]
    """Invariant cells count flips, control cells count misses."""
    events: int
    """Flips (invariant) or misses (control)."""
    n: int
    """Usable draws: paired invariant draws, or control draws of units whose unperturbed verdict was right
    (the same counts as the families' and the controls' tables)."""
    left_out: int = 0
    """Control draws left out of ``n``: their unit's unperturbed verdict was already wrong (a kept verdict
    then says nothing; the controls table's *left out*)."""


class FlippedVariant(FrozenModel):
    """A variant with at least one flipped (invariant) or missed (control) draw, for audit."""

    variant_id: str
    """Variant id."""
    case_id: str
    """Case."""
    unit_id: str
    """Unit."""
    family: str
    """Family."""
    probe: str
    """Probe."""
    chain: str
    """Chain name."""
    relation: Literal["invariant", "control"]
    """Relation."""
    events: int
    """Flipped (or missed) draws."""
    n: int
    """Usable draws."""
    placebo_events: int
    """Placebo draws of the same pairs that changed."""
    base_outcome: str
    """Base verdict of the unit."""
    outcomes: tuple[str, ...]
    """Distinct outcomes of the variant's judged draws."""
    extracted_answer: str | None
    """The judge's extracted answer on the first flipped draw."""
    final_answer: str | None
    """The final answer the variant's response states."""
    flip_class: str | None
    """Class of the first flipped draw (invariants)."""
    raw_reply: str | None
    """The judge's raw reply on the first flipped draw."""
    reference_doubt: bool
    """The case's reference is disputed."""


class Disagreement(FrozenModel):
    """An unperturbed response whose modal verdict disagrees with its adjudicated label."""

    case_id: str
    """Case."""
    unit_id: str
    """Unit (response id; ``pair`` for pairwise)."""
    answer_kind: str
    """Answer kind (``pairwise`` / ``score`` for those modes)."""
    label: str
    """Adjudicated label."""
    outcome: str
    """The judge's modal verdict on the unperturbed response."""
    extracted_answer: str | None
    """The answer the judge says it extracted (first draw with the modal verdict)."""
    reference_doubt: bool
    """The case's reference is disputed: the judge may be right against the reference."""


class RejectedRewriteModel(FrozenModel):
    """A rewrite a probe proposed and did not use, because no independent check could verify it."""

    case_id: str
    """Case."""
    unit_id: str
    """Unit (response id)."""
    probe: str
    """The probe step, ``probe(params)``."""
    target: Literal["answer", "reference"]
    """What the rewrite changed."""
    original: str
    """The text before."""
    rewrite: str
    """The rewrite proposed."""
    reason: str
    """Why it was not verified."""


class RewriteCounts(FrozenModel):
    """Meaning-kept rewrites the probes left out of the run."""

    unverified: int
    """Rewrites rejected as unverified (not a whitelisted notation change, not read alike by the kind's
    independent reader, or not equivalent under the kind's comparer)."""
    left_out_by_policy: int
    """Verified rewrites left out because the grading policy would change their label (``strict``)."""
    unverified_by_probe: dict[str, int]
    """Rejected rewrites per probe name."""
    examples: tuple[RejectedRewriteModel, ...]
    """The first rejected rewrites, with their reasons."""


class Summary(FrozenModel):
    """Everything the reports show, computed once from a run's draws."""

    schema_version: str
    """Schema version (:data:`SCHEMA_VERSION`)."""
    tool_version: str
    """judgeprobe version that wrote it."""
    run: RunInfo
    """What was run."""
    settings: Settings
    """Analysis settings."""
    bh_scope: str
    """Which tests share one Benjamini–Hochberg family."""
    warnings: tuple[str, ...]
    """Plain-language warnings (few clusters, no placebo, unscored or errored draws)."""
    families: tuple[InvariantResult, ...]
    """Invariant results per family."""
    probes: tuple[InvariantResult, ...]
    """Invariant results per probe."""
    controls: tuple[ControlResult, ...]
    """Control results per family, then per probe."""
    doses: tuple[DoseCurve, ...]
    """Dose curves of graded probes."""
    accuracy: tuple[AccuracyRow, ...]
    """Agreement with labels by answer kind, stage and reference doubt."""
    hle: tuple[HleMetrics, ...]
    """HLE-style metrics before and after perturbation."""
    flip_classes: dict[str, int]
    """All flipped or unscored invariant draws by class."""
    grid: tuple[GridCell, ...]
    """Case × family grid."""
    flipped: tuple[FlippedVariant, ...]
    """Variants with flips or misses, most telling first."""
    disagreements: tuple[Disagreement, ...] = ()
    """Unperturbed responses the judge got wrong against the labels (disputed references last)."""
    position: PositionResult | None = None
    """Pairwise position bias from pairs judged in both orders (``None``: no such pair in the run, or the
    run's variants were not available to tell the slots apart)."""
    self_preference: tuple[SelfPreference, ...] = ()
    """Self-preference per author family and mode, where responses carry authors."""
    judge_verdict: JudgeVerdict | None = None
    """The verdict on the judge as a whole (controls, accuracy, errors, unscored replies against the limits in
    ``settings``); every summary :func:`~judgeprobe.harness.stats.summary.build_summary` makes has one."""
    error_reasons: tuple[ErrorReason, ...] = ()
    """Why draws errored or went unscored, by kind, the most frequent first (empty: none did)."""
    rewrites: RewriteCounts | None = None
    """Rewrites the probes left out of the run (``None``: not recorded, a run made before this was kept)."""
