"""`python -m kiosk.admin` = `kiosk-admin`."""

import sys

from kiosk.admin.cli import main

sys.exit(main())
