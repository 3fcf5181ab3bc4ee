"""The one scoring engine for every instrument definition.

Scoring follows the instruments' published rules, which for all built-ins are the same: the
total is the sum of the item scores as printed on the form (PHQ-9: Kroenke, Spitzer & Williams
2001; GAD-7: Spitzer et al. 2006; AUDIT: Babor et al. 2001, WHO/MSD/MSB/01.6a; AUDIT-C: Bush et
al. 1998; DUDIT: Berman et al. 2005). The band is the one the total falls in, the screen is
positive at or above the cut-off, and every safety rule is checked whatever the total (a risk
item, such as PHQ-9 item 9, is followed up however low the sum is: Kroenke et al. 2001).
"""

from __future__ import annotations

from collections.abc import Sequence

from losen.domain.errors import LosenDomainError
from losen.domain.instruments.model import Band, Flag, InstrumentDefinition, ScoreResult, Sex


class AnswerError(LosenDomainError, ValueError):
    """The answers do not fit the instrument.

    Attributes:
        item: The item the problem is about (1-based), or ``None`` when it is about the whole
            answer set (the person's sex for sex-specific cut-offs).
    """

    def __init__(self, message: str, item: int | None = None) -> None:
        super().__init__(message)
        self.item = item


def check_answers(
    definition: InstrumentDefinition, answers: Sequence[int], sex: Sex | None
) -> tuple[int, ...]:
    """Return the answers as a tuple after checking them against the definition.

    Raises:
        AnswerError: For a wrong number of answers (naming the first missing or extra item),
            a value outside an item's allowed scores (naming the item and what it allows), or
            a missing sex for an instrument with sex-specific cut-offs.
    """
    items = definition.items
    if len(answers) < len(items):
        missing = items[len(answers)]
        raise AnswerError(
            f"{definition.name} har {len(items)} spørsmål, fikk {len(answers)} svar; "
            f"svar mangler fra spørsmål {missing.number} ({missing.label})",
            missing.number,
        )
    if len(answers) > len(items):
        raise AnswerError(
            f"{definition.name} har {len(items)} spørsmål, fikk {len(answers)} svar; "
            f"svar nr. {len(items) + 1} hører ikke til noe spørsmål",
            len(items) + 1,
        )
    for item, value in zip(items, answers, strict=True):
        if isinstance(value, bool) or not isinstance(value, int) or value not in item.scores:
            allowed = ", ".join(str(score) for score in item.scores)
            raise AnswerError(
                f"spørsmål {item.number} ({item.label}): {value!r} er ikke tillatt; "
                f"tillatte poeng er {allowed}",
                item.number,
            )
    if definition.requires_sex and sex is None:
        raise AnswerError(
            f"{definition.name} har kjønnsspesifikke grenseverdier; oppgi kjønn (female eller male)"
        )
    return tuple(answers)


def band_for_total(definition: InstrumentDefinition, total: int, sex: Sex | None) -> Band:
    """Return the band ``total`` falls in.

    Raises:
        AnswerError: When the total is outside the instrument's range, or the bands are
            sex-specific and ``sex`` is missing.
    """
    bands = definition.bands_for(sex)
    if not bands:
        raise AnswerError(
            f"{definition.name} har kjønnsspesifikke bånd; oppgi kjønn (female eller male)"
        )
    for band in bands:
        if band.contains(total):
            return band
    raise AnswerError(
        f"{definition.name}: summen {total} er utenfor {definition.min_total}–"
        f"{definition.max_total}"
    )


def score_answers(
    definition: InstrumentDefinition, answers: Sequence[int], sex: Sex | None = None
) -> ScoreResult:
    """Score one answer set.

    Args:
        definition: A validated definition.
        answers: Each item's score as printed on the form, in form order.
        sex: The person's sex; required when the instrument has sex-specific cut-offs.

    Returns:
        The total, band, screen result and raised safety flags.

    Raises:
        AnswerError: When the answers do not fit (see :func:`check_answers`).
    """
    checked = check_answers(definition, answers, sex)
    total = sum(checked)
    band = band_for_total(definition, total, sex)
    positive_screen: bool | None = None
    if definition.screen is not None:
        cutoff = definition.screen.cutoff_for(sex)
        positive_screen = None if cutoff is None else total >= cutoff
    flags = tuple(
        Flag(code=rule.code, item=rule.item, message=rule.message, level=rule.level)
        for rule in definition.safety_rules
        if rule.is_raised(checked, total)
    )
    return ScoreResult(
        instrument=definition.id,
        version=definition.version,
        answers=checked,
        sex=sex,
        total=total,
        band=band,
        positive_screen=positive_screen,
        flags=flags,
    )
