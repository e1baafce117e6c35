"""python3 scripts/report ARGS...  (or, in scripts/: python3 -m report ARGS...)"""
import os
import sys

if not __package__:
    # Run as a folder: import the package from its parent, not its modules
    # from the folder itself.
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# No __pycache__ in the repository's scripts/report/.
sys.dont_write_bytecode = True

from report.cli import main  # noqa: E402

sys.exit(main())
