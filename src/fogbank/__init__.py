"""fogbank: a local, open-source AWS for the data tier."""

__version__ = "0.1.0"
