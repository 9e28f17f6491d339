"""`python -m stardust_tui` runs the `stardust` command line."""

from stardust_tui.cli import main

if __name__ == "__main__":  # pragma: no cover
    main()
