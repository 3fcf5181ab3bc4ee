"""Management information (styringsinformasjon): read, harmonise, compare and project indicators.

Pure functions over tidy :class:`Observation` values; no Django, no network except through an
injected transport. The API the rest of Losen calls:

* :func:`parse` (bytes + file name → :class:`ParseResult` with observations or problems),
  :func:`to_csv` / :func:`to_json` (observations → bytes that :func:`parse` reads back exactly);
* :func:`load_registry` → :class:`MunicipalityRegistry` (codes per year, crosswalk to today),
  :func:`harmonise_counts`, :func:`harmonise_ratio`, :func:`harmonise_published_ratios`;
* :func:`rate_per_1000` with an :class:`AgeBand`, :func:`compare`;
* :func:`project_demand` with :class:`ConstantGrowth` or :class:`UserProjection`;
* :class:`StatClient` with :class:`UrllibTransport`, and :func:`parse_responses`.

See ``docs/reference/indicators.md``.
"""

from losen.domain.indicators._common import COMMAND_LINE_LIMITS, ReadLimits
from losen.domain.indicators.compare import Comparison, ComparisonPoint, compare
from losen.domain.indicators.export import to_csv, to_json
from losen.domain.indicators.fetch import FetchError, Limits, StatClient, parse_responses
from losen.domain.indicators.harmonise import (
    HarmonisationResult,
    HarmonisedObservation,
    harmonise_counts,
    harmonise_published_ratios,
    harmonise_ratio,
)
from losen.domain.indicators.model import (
    ATTRIBUTION,
    STATUS_MEANINGS,
    Observation,
    ParseResult,
    Problem,
    attribution_for,
)
from losen.domain.indicators.parse import detect_format, observation_key, parse
from losen.domain.indicators.projection import (
    ConstantGrowth,
    DemandProjection,
    DemandYear,
    UseRate,
    UserProjection,
    project_demand,
    use_rates_from,
)
from losen.domain.indicators.rates import AgeBand, RateResult, population_in_band, rate_per_1000
from losen.domain.indicators.regions import (
    CodeMapping,
    MunicipalityRegistry,
    SplitWeight,
    load_registry,
    split_weights_from_csdata,
)
from losen.domain.indicators.templates import TEMPLATE_KINDS, template_csv, template_xlsx
from losen.domain.indicators.transport import HttpRequest, HttpResponse, UrllibTransport

__all__ = [
    "ATTRIBUTION",
    "COMMAND_LINE_LIMITS",
    "STATUS_MEANINGS",
    "TEMPLATE_KINDS",
    "AgeBand",
    "CodeMapping",
    "Comparison",
    "ComparisonPoint",
    "ConstantGrowth",
    "DemandProjection",
    "DemandYear",
    "FetchError",
    "HarmonisationResult",
    "HarmonisedObservation",
    "HttpRequest",
    "HttpResponse",
    "Limits",
    "MunicipalityRegistry",
    "Observation",
    "ParseResult",
    "Problem",
    "RateResult",
    "ReadLimits",
    "SplitWeight",
    "StatClient",
    "UrllibTransport",
    "UseRate",
    "UserProjection",
    "attribution_for",
    "compare",
    "detect_format",
    "harmonise_counts",
    "harmonise_published_ratios",
    "harmonise_ratio",
    "load_registry",
    "observation_key",
    "parse",
    "parse_responses",
    "population_in_band",
    "project_demand",
    "rate_per_1000",
    "split_weights_from_csdata",
    "template_csv",
    "template_xlsx",
    "to_csv",
    "to_json",
    "use_rates_from",
]
