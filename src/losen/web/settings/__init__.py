"""Settings for Losen: ``base`` holds everything shared; the others adjust it.

- ``local``: the embedded default (``losen serve``, ``make demo``): SQLite under ``var/``,
  served over plain HTTP on localhost.
- ``dev``: as ``local`` with DEBUG on.
- ``test``: for the test suite.
- ``prod``: production behind TLS; passes ``check --deploy`` with no warnings.
"""
