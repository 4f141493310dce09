"""Decide which category one column holds, from its header and its values.

With a header, the header proposes a category and the values confirm or
contradict it (confidence = 0.4 x header strength + 0.6 x value hit ratio,
after datahub-classify).  Categories with a recognisable value shape
(``CONFIRMED_BY_VALUES``) need at least half the sampled values to fit,
weak headers ("name", 所在地) four fifths; a header whose values contradict it counts for
nothing.  Without a header, or with one the vocabulary does not know,
values alone decide, under stricter rules.  A neutral header (番号, 備考) vetoes
every category but the two its values may still prove: 個人番号 passing the check
digit (:mod:`.my_numbers`) and health conditions (:mod:`.conditions`).  Nothing
returned holds a value: only ratios, counts, the matched term and a fully masked
example.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .conditions import CONDITIONS, MAX_CELL_CHARS, admits_condition_values, condition_column
from .headers import HeaderMatch
from .names import FAMILY, FULL, name_shape
from .masking import mask_value
from .my_numbers import MyNumberCheck, check_my_numbers, is_my_number_column, may_be_my_number_column
from .values import (BY_CATEGORY, STANDALONE, LatinPersonName, LexiconPersonName, ResidentNumber,
                     Validator, Value)

#: non-empty values looked at per column
MAX_VALUES = 100
#: categories whose header must be confirmed by the values' shape
CONFIRMED_BY_VALUES = frozenset({
    "name", "name_kana", "address", "postal_code", "phone", "email", "birth_date",
    "age", "gender", "my_number",
})
#: share of values that must fit a header's category when confirmation is needed
MIN_SUPPORT = 0.5
#: share of values that must fit under a weak (ambiguous) header
WEAK_HEADER_SUPPORT = 0.8
#: share of values that must fit when values alone decide
VALUE_ONLY_RATIO = 0.8
#: share of 12-digit values passing the check digit, under a My Number header
MY_NUMBER_CHECK_RATIO = 0.8
#: share of all values that must be valid My Numbers when values alone decide
MY_NUMBER_VALUE_ONLY_RATIO = 0.95
#: values needed before values alone may decide (no header row / unknown header)
MIN_VALUES_NO_HEADER = 10
MIN_VALUES_UNKNOWN_HEADER = 5
#: the fewest values any rule decides on (Validator.min_values: e-mail addresses, phone
#: numbers, names the dictionary knows)
MIN_VALUES_STRONG_RULE = 3
#: findings below this confidence are dropped
MIN_CONFIDENCE = 0.6
#: the most a weak name header with name-shaped values the dictionary does not know gets:
#: below personal.ROSTER_NAME_CONFIDENCE (product lists have a "name" column too)
WEAK_SHAPE_CONFIDENCE = 0.7
#: values of a name column looked up for family names (a share, not a verdict per value)
FAMILY_NAME_SAMPLE = 30
#: different values a column confirmed by the name dictionary holds at least
MIN_DISTINCT_NAMES = 3
#: ... and this share of them (customers recur in a sales log, but not three in a hundred rows)
DISTINCT_NAMES_SHARE = 0.2
#: a finding this sure needs no second look at the values alone
SURE = 0.85
#: share of values the name dictionary must read as people under a role-noun header (購入者)
ROLE_SUPPORT = 0.6
#: validators that confirm a role-noun or weak name header (購入者, name, 代表者): the
#: dictionary, or a full name in Latin letters, not merely a short word
ROLE_VALIDATORS = (LexiconPersonName(), LatinPersonName())


@dataclass
class ColumnVerdict:
    """The category of one column, how sure we are, and evidence without values."""

    category: str
    confidence: float
    evidence: dict = field(default_factory=dict)


def classify_column(match: HeaderMatch | None, values: list[Value],
                    min_values: int = MIN_VALUES_NO_HEADER) -> ColumnVerdict | None:
    """The category of a column (None: nothing personal), from prepared values."""
    values = values[:MAX_VALUES]
    if not values:
        return None
    if match is not None and match.neutral:
        verdict = classify_sensitive_values(match, values, min_values)
    else:
        verdict = classify_by_header(match, values) if match is not None else None
        if verdict is None or verdict.confidence < SURE:
            # a weak header does not cap what the values show on their own
            by_values = classify_by_values(values, min_values)
            if by_values is not None and (verdict is None or (
                    by_values.category == verdict.category and by_values.confidence > verdict.confidence)):
                if verdict is not None:
                    by_values.evidence["header_term"] = verdict.evidence.get("header_term")
                verdict = by_values
        if verdict is None:
            verdict = classify_sensitive_values(match, values, min_values)
    if verdict is None or verdict.confidence < MIN_CONFIDENCE:
        return None
    return verdict


def classify_by_header(match: HeaderMatch, values: list[Value]) -> ColumnVerdict | None:
    """The header's category if the values do not contradict it."""
    if match.category == "my_number":
        return _my_number_by_header(match, values)
    role = match.mode == "role"
    by_dictionary = role or (match.weak and match.category == "name")
    validators = ROLE_VALIDATORS if by_dictionary else BY_CATEGORY.get(match.category, ())
    hits, example = _count_hits(values, validators)
    ratio = hits / len(values)
    if by_dictionary and len(set(values)) < min(max(MIN_DISTINCT_NAMES, DISTINCT_NAMES_SHARE * len(values)),
                                                len(values)):
        return None                 # 有/無 under "equipment for children" are not people
    if by_dictionary and ratio < ROLE_SUPPORT and not role:
        return _weak_name_by_shape(match, values)
    if match.category in CONFIRMED_BY_VALUES or match.weak:
        needed = ROLE_SUPPORT if by_dictionary else WEAK_HEADER_SUPPORT if match.weak else MIN_SUPPORT
        if not validators or ratio < needed:
            return None
        confidence = 0.4 * match.strength + 0.6 * ratio
    elif validators:
        confidence = match.strength * (0.85 + 0.15 * ratio)
    else:
        confidence = match.strength * 0.9
    return ColumnVerdict(match.category, confidence, _evidence(match, values, ratio, example))


def family_name_ratio(values: list[Value]) -> float:
    """Share of values that carry a family name (山田 花子, 山田, Jane Doe): people's names,
    not pets' or things' (タロウ, ハナ under 名前 on a zoo's sheet)."""
    def carries_family(value: Value) -> bool:
        if not isinstance(value, str):
            return False
        if " " in value.strip() or "\u3000" in value:
            return True
        return name_shape(value) in (FULL, FAMILY)
    values = values[:FAMILY_NAME_SAMPLE]
    return sum(map(carries_family, values)) / len(values) if values else 0.0


def _weak_name_by_shape(match: HeaderMatch, values: list[Value]) -> ColumnVerdict | None:
    """Names under a weak header (name, 代表者) that the dictionary does not know (Alice, Bob):
    a name beside other facts about people, never a list of people on its own."""
    hits, example = _count_hits(values, BY_CATEGORY["name"])
    ratio = hits / len(values)
    if ratio < WEAK_HEADER_SUPPORT:
        return None
    confidence = min(0.4 * match.strength + 0.6 * ratio, WEAK_SHAPE_CONFIDENCE)
    return ColumnVerdict("name", confidence, _evidence(match, values, ratio, example))


def _my_number_by_header(match: HeaderMatch, values: list[Value]) -> ColumnVerdict | None:
    """個人番号 only when the numbers (zeros restored) pass the check digit; else a local code."""
    check = check_my_numbers(values, under_my_number_header=True)
    if check.numbers * 2 >= len(values) and check.check_ratio >= MY_NUMBER_CHECK_RATIO:
        ratio = check.valid / len(values)
        return _my_number_verdict(match, values, check, 0.4 * match.strength + 0.6 * ratio)
    # many systems call their own resident code 個人番号: not a My Number
    hits, example = _count_hits(values, (ResidentNumber(),))
    if hits * 2 < len(values):
        return None
    evidence = _evidence(match, values, hits / len(values), example)
    evidence["check_digit_ratio"] = round(check.check_ratio, 2)
    return ColumnVerdict("resident_id", match.strength * 0.8, evidence)


def classify_sensitive_values(match: HeaderMatch | None, values: list[Value],
                              min_values: int) -> ColumnVerdict | None:
    """個人番号 or health from the values alone, also under a neutral header (番号, 備考).

    The header is no evidence here (it is neutral, unknown, or the values contradicted
    it); a neutral header naming an organisation or a thing (所属, 施設名) admits
    個人番号 but not conditions, which there name a place or a program.
    """
    if may_be_my_number_column(values):
        check = check_my_numbers(values)
        if is_my_number_column(check, min_values):
            return _my_number_verdict(None, values, check, 0.9 * check.valid / len(values))
    if match is not None and match.neutral and not admits_condition_values(match.term):
        return None
    # one pass over the column's text before the cell by cell look, which reads each cell's
    # first MAX_CELL_CHARS only: so does this pass (a hostile file's megabyte cells cost a
    # regular expression minutes, and a term further on is never a finding anyway)
    if not CONDITIONS.named_anywhere("\n".join(v[:MAX_CELL_CHARS] for v in values if isinstance(v, str))):
        return None
    found = condition_column(values)
    if found is None:
        return None
    evidence = _evidence(None, values, found.ratio, found.example)
    evidence["condition_kinds"] = list(found.kinds)
    return ColumnVerdict("health", 0.65 + 0.3 * found.ratio, evidence)


def _my_number_verdict(match: HeaderMatch | None, values: list[Value], check: MyNumberCheck,
                       confidence: float) -> ColumnVerdict:
    evidence = _evidence(match, values, check.valid / len(values), check.example)
    evidence["check_digit_ratio"] = round(check.check_ratio, 2)
    if check.padded:
        evidence["zeros_restored"] = check.padded
    return ColumnVerdict("my_number", confidence, evidence)


def classify_by_values(values: list[Value], min_values: int) -> ColumnVerdict | None:
    """A category from values alone: nearly every value must fit one rule."""
    total = len(values)
    if total < min(min_values, MIN_VALUES_STRONG_RULE):
        return None
    texts = sum(isinstance(v, str) for v in values)
    best: tuple[float, Validator, Value] | None = None
    for validator in STANDALONE:
        if total < min(min_values, validator.min_values or min_values):
            continue
        if best is not None and validator.costly:
            break               # the dictionary is asked only when no cheaper rule has decided
        needed = MY_NUMBER_VALUE_ONLY_RATIO if validator.category == "my_number" else VALUE_ONLY_RATIO
        if not validator.accepts_numbers and texts < needed * total:
            continue
        if not _probe(values, validator, needed):
            continue
        hits, example = _count_hits(values, (validator,), max_misses=int(total * (1 - needed)))
        ratio = hits / total
        if ratio >= needed and (best is None or ratio > best[0]):
            best = (ratio, validator, example)
    if best is None:
        return None
    ratio, validator, example = best
    evidence = _evidence(None, values, ratio, example)
    if validator.category == "my_number":
        evidence["check_digit_ratio"] = round(ratio, 2)
        return ColumnVerdict("my_number", 0.9 * ratio, evidence)
    return ColumnVerdict(validator.category, 0.5 + 0.4 * ratio, evidence)


#: values a costly rule (the name dictionary) is first tried on
PROBE_VALUES = 10


def _probe(values: list[Value], validator: Validator, needed: float) -> bool:
    """Whether the first values leave a costly rule a chance to reach ``needed`` (a column of
    goods or departments fails on its first few values instead of a fifth of the column)."""
    head = values[:PROBE_VALUES]
    if len(head) < PROBE_VALUES:
        return True
    hits, _ = _count_hits(head, (validator,), max_misses=int(PROBE_VALUES * (1 - needed)) + 1)
    return hits >= PROBE_VALUES * needed - 1


def _count_hits(values: list[Value], validators: tuple[Validator, ...],
                max_misses: int | None = None) -> tuple[int, Value | None]:
    """Values matched by any of the validators, and the first one matched."""
    hits, misses, example = 0, 0, None
    matchers = [v.match for v in validators]
    for value in values:
        for match in matchers:
            if match(value):
                break
        else:
            match = None
        if match is not None:
            hits += 1
            if example is None:
                example = value
        else:
            misses += 1
            if max_misses is not None and misses > max_misses:
                break
    return hits, example


def _evidence(match: HeaderMatch | None, values: list[Value], ratio: float,
              example: Value | None) -> dict:
    evidence = {
        "values_sampled": len(values),
        "hit_ratio": round(ratio, 2),
        "example": mask_value(example if example is not None else values[0]),
    }
    if match is not None:
        evidence["header_term"] = match.term
    return evidence
