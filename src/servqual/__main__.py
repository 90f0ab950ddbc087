import sys

from servqual.cli import main

sys.exit(main())
