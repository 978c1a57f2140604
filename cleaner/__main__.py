"""`python -m cleaner IN OUT`: the `clean` command without its console script."""

from .cli import main

main()
