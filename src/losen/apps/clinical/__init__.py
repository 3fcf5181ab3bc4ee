"""The clinician's work: kartlegging, instruments, suggested pathway, care plans, outcomes."""
