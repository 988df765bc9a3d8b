import pytest

from priorfit.data import design as data
from priorfit.data import sources


@pytest.fixture(scope="session")
def diabetes():
    return sources.load("diabetes")


@pytest.fixture(scope="session")
def diabetes_design(diabetes):
    return data.make_design(diabetes)
