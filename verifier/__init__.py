"""Independent verifier of pbvote election records.

Written from the documents in ``docs/`` only, so that a bug shared with the engine's code is not
inherited: this package depends on PyNaCl and the standard library, never on ``voting_engine`` or
``ballot_schemes``.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "1.0.0"
