"""``python -m gongkai.cli``: the same as the ``gongkai`` command."""

from gongkai.cli import main

if __name__ == "__main__":  # pragma: no cover
    main()
