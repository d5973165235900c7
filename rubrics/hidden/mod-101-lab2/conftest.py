"""Hidden tests for MOD-101 Lab 2 (instructor-only).

They run in the grader's own test image, never in the learner's: the learner's service is started by the grader
and reached black-box over the job's internal network at $GRADER_SERVICE_URL. No learner code is imported here.
"""

import os

import pytest


@pytest.fixture(scope="session")
def base_url():
    url = os.environ.get("GRADER_SERVICE_URL")
    if not url:
        pytest.fail("GRADER_SERVICE_URL is not set: the rubric must declare 'hidden: { service: true }'")
    return url.rstrip("/")
