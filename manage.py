#!/usr/bin/env python
"""Django's command-line utility for Commons, in the source tree (installed: `commons`)."""

from commons.cli import main

if __name__ == "__main__":
    main()
