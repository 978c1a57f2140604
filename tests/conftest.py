import pytest


def pytest_addoption(parser):
    parser.addoption(
        "--update-fixtures",
        action="store_true",
        help="Rewrite fixtures/*/*/expected.* from the current output (after a deliberate change).",
    )
    parser.addoption(
        "--update-readme",
        action="store_true",
        help="Rewrite README.md's rule table from the rule registry (cleaner/rules/codes.toml).",
    )


@pytest.fixture
def update_fixtures(request) -> bool:
    return request.config.getoption("--update-fixtures")


@pytest.fixture
def update_readme(request) -> bool:
    return request.config.getoption("--update-readme")
