import sys

from losen.cli import main

sys.exit(main())
