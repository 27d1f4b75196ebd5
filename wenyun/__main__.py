import sys

from wenyun.cli import main

sys.exit(main())
