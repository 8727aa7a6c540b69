"""`python -m policy.inventory --draft`: print inventory entries for unmapped obligation sentences."""

import sys

from policy.inventory.cli import main

raise SystemExit(main(sys.argv[1:]))
