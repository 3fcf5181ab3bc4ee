"""Sub-commands of ``losen``; each module has ``register(subparsers)``."""
