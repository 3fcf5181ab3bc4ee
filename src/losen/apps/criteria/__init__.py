"""The criteria nytte, ressurs and alvorlighet in the web: their settings and how Losen words
what the domain finds (:mod:`losen.apps.criteria.wording`, used by the pages and the
``losen`` command alike)."""
