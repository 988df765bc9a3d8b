import pytest

from priorfit.data import design as data


@pytest.fixture(scope="session")
def diabetes():
    return data.load("diabetes")


@pytest.fixture(scope="session")
def diabetes_design(diabetes):
    return data.make_design(diabetes)
