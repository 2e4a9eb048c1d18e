"""End-to-end verifiable voting engine for participatory budgeting.

The package is split so that the pure cryptographic core (``voting_engine.core``)
imports nothing from the service layer.
"""

__version__ = "0.1.0"
