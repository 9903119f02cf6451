#!/usr/bin/env python
"""Same as the `kechuang` console script."""

from kechuang.cli import main

if __name__ == "__main__":
    main()
