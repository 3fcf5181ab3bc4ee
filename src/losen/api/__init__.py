"""The JSON API, FHIR export and CDS Hooks service (to come; see ARCHITECTURE.md)."""
