"""``python -m pollserver.cli``: the same command as the ``pollserver`` script."""

from pollserver.cli import main

main()
