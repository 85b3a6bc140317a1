"""Impact ratios as New York City's Local Law 144 defines them (DCWP rules, 6 RCNY § 5-300), with
Fisher's exact test for small samples (docs/architecture.md, "Fairness").

- Selection rate of a category: the share of its applicants selected (here: advanced past the
  AI interview). Scoring rate: the share of its applicants scored above the median score of
  everyone scored.
- Impact ratio: a category's rate over the highest rate of any category.
- A ratio under 0.8 (the four-fifths rule) is flagged; a category of fewer than `small_n`
  applicants is flagged as a small sample; one of fewer than `small_cell` is a small cell: it
  gets no rate or ratio (its count could point at a person) and does not set the highest rate.
- Fisher's exact test (two-sided) of each category against the highest-rate one, on the 2x2
  table of (hits, misses): exact at any sample size, where the four-fifths rule is unstable.

Pure functions of counts: beat runs them, no page does.
"""

import statistics as pystatistics

from scipy import stats

FOUR_FIFTHS = 0.8


def median(values) -> float | None:
    values = list(values)
    return pystatistics.median(values) if values else None


def impact_rows(counts: dict[str, tuple[int, int]], *, small_n: int, small_cell: int) -> list[dict]:
    """One row per category of `counts` ({category: (applicants, hits)}), in the order given:
    `applicants`, `hits`, `rate`, `ratio`, `flag` (ratio under 0.8), `small_sample`,
    `small_cell`, `highest` and `p` (Fisher's exact, against the highest-rate category)."""
    rates = {
        category: hits / applicants
        for category, (applicants, hits) in counts.items()
        if applicants >= max(small_cell, 1)
    }
    top = max(rates, key=lambda category: rates[category]) if rates else None
    top_rate = rates.get(top) if top is not None else None
    rows = []
    for category, (applicants, hits) in counts.items():
        rate = rates.get(category)
        ratio = rate / top_rate if rate is not None and top_rate else None
        p = None
        if rate is not None and top is not None and category != top:
            top_n, top_hits = counts[top]
            table = [[hits, applicants - hits], [top_hits, top_n - top_hits]]
            p = float(stats.fisher_exact(table, alternative="two-sided").pvalue)
        rows.append(
            {
                "category": category,
                "applicants": applicants,
                "hits": hits,
                "rate": rate,
                "ratio": ratio,
                "flag": ratio is not None and ratio < FOUR_FIFTHS,
                "small_sample": applicants < small_n,
                "small_cell": 0 < applicants < small_cell,
                "highest": category == top,
                "p": p,
            }
        )
    return rows
