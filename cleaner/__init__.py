"""cleaner: scraped copies of web pages in, canonical article text and metadata out."""

from .api import CleanTimeout, clean
from .model import Removal, Result
from .rulefile import RuleFileError

__all__ = ["CleanTimeout", "Removal", "Result", "RuleFileError", "clean"]
# The one place the version is written: pyproject.toml reads it from here (hatch's version
# source) and `clean --version` prints it.
__version__ = "0.2.0"
