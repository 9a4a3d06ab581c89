"""``python -m pollserver.cli``: the same command as the ``pollserver`` script."""

from pollserver.cli import main

if __name__ == "__main__":  # importing the module (a test walking the package) runs nothing
    main()
