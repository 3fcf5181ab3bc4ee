"""Losen beside the EHR: a read-only FHIR R4 endpoint (``/fhir/``), the import of a
QuestionnaireResponse, and a CDS Hooks service (``/cds-services``).

See docs/reference/fhir.md and docs/reference/cds-hooks.md.
"""
