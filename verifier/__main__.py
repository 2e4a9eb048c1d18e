"""``python -m verifier RECORD_DIR``."""

from __future__ import annotations

import sys

from verifier.cli import main

if __name__ == "__main__":
    sys.exit(main())
