"""cleaner: scraped copies of web pages in, canonical article text and metadata out."""

from .api import clean
from .model import Removal, Result
from .rulefile import RuleFileError

__all__ = ["Removal", "Result", "RuleFileError", "clean"]
__version__ = "0.1.0"
