import sys

from bidkit.cli import main

sys.exit(main())
