"""Losen: open prioritisation and mental health and substance use work in the municipality."""

__version__ = "0.1.0"
