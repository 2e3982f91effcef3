from __future__ import annotations

import pytest

from committee_papers.models.scoring import ScoringRule, ScoringRules

# The Audit Commission's rules for the corporate assessment score (the seed's 2.3).
CPA = ScoringRules(
    id="cpa",
    caption="Rules for the corporate assessment score",
    rules=[
        ScoringRule(when="Two or more themes with a score of 4 and none less than a score of 3", at_least=2, score=4, none_below=3, overall=4),
        ScoringRule(when="Three or more themes with a score of 3 and none less than a score of 2", at_least=3, score=3, none_below=2, overall=3),
        ScoringRule(when="Three or more themes with a score of 2 or more", at_least=3, score=2, overall=2),
        ScoringRule(when="Any other combination", overall=1),
    ],
)


@pytest.mark.parametrize(
    ("scores", "overall"),
    [
        ([4, 3, 2, 3, 3], 3),  # Leicester's anticipated scores in 2007
        ([4, 4, 3, 3, 3], 4),
        ([4, 4, 2, 3, 3], 3),  # two 4s, but a 2 rules out the top score
        ([2, 2, 2, 1, 1], 2),
        ([2, 2, 1, 1, 1], 1),
    ],
)
def test_the_first_rule_that_applies_gives_the_overall_score(scores, overall):
    assert CPA.overall(scores) == overall
