"""``python -m telnyx_wireless_async``: the ``telnyx-wireless`` command line."""

import sys

from telnyx_wireless_async.cli import main

if __name__ == "__main__":
    sys.exit(main())
