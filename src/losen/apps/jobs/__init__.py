"""Background work: jobs run as tasks on the Django tasks interface, their progress and retry."""
