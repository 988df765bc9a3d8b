import warnings

import pytest

from priorfit import data

warnings.filterwarnings("ignore", category=FutureWarning)


@pytest.fixture(scope="session")
def diabetes():
    return data.load("diabetes")


@pytest.fixture(scope="session")
def diabetes_design(diabetes):
    return data.make_design(diabetes)
