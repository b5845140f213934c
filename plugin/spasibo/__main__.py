import sys

from spasibo.cli import main

sys.exit(main())
