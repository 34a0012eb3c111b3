"""Fixtures of the adversarial suite (the runner is in adversary.py)."""
import os
import shutil
import tempfile

import pytest

from .adversary import USERS


@pytest.fixture(params=USERS)
def user(request):
    return request.param


@pytest.fixture
def wdir():
    """A scratch directory that nobody (uid 65534) can reach and write."""
    d = tempfile.mkdtemp(prefix="scopes-adv-", dir="/tmp")
    os.chmod(d, 0o777)
    yield d
    shutil.rmtree(d, ignore_errors=True)
