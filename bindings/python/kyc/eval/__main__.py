"""``python -m kyc.eval`` = ``kyc-eval``."""

import sys

from .cli import main

sys.exit(main())
