"""python -m kiosk_hub"""

from kiosk_hub.cli import main

raise SystemExit(main())
