"""``python -m web.cli``: the ``redvest`` command."""

import sys

from web.cli import main

sys.exit(main())
