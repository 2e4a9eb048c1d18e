"""``python -m voting_engine``."""

import sys

from voting_engine.cli import main

sys.exit(main())
