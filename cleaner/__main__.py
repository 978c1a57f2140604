"""`python -m cleaner IN OUT`: the `clean` command without its console script."""

from cleaner.run.cli import main

main()
