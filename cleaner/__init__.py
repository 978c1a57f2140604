"""cleaner: scraped copies of web pages in, canonical article text and metadata out."""

from cleaner.api import CleanTimeout, clean
from cleaner.core.data import Removal, Result
from cleaner.sites.rulefile import RuleFileError

__all__ = ["CleanTimeout", "Removal", "Result", "RuleFileError", "clean"]
# The one place the version is written: pyproject.toml reads it from here (hatch's version
# source) and `clean --version` prints it.
__version__ = "0.2.0"
