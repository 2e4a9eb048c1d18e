"""Sub-commands of the ``voting-engine`` CLI; each module registers its own parser."""
