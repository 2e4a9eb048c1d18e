"""``python -m voting_engine``."""

import sys

from voting_engine.cli import main

if __name__ == "__main__":  # worker processes are spawned and import this module again
    sys.exit(main())
