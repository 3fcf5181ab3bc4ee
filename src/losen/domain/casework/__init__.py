"""The caseworker's work from application to a justified decision, as pure functions.

* :mod:`~losen.domain.casework.function`: the KPR/IPLOS function variables and a profile.
* :mod:`~losen.domain.casework.deadlines`: preliminary reply (fvl § 11 a), complaint deadline
  (pbrl § 7-2) with Norwegian public holidays, and the states of a work list.
* :mod:`~losen.domain.casework.completeness`: what a decision must contain (fvl §§ 23–27).
* :mod:`~losen.domain.casework.similarity`: like cases alike (Gower distance, departures).
* :mod:`~losen.domain.casework.waiting`: the waiting list order and what changed it.

Every module returns dates, numbers or :class:`~losen.domain.explain.Fact` values; the
sentences are written by :mod:`losen.apps.criteria.wording`.
"""
