"""Hidden tests for MOD-101 Lab 2 (instructor-only; mounted read-only at /grader/hidden at test time).

The learner's code is imported as the package `service` from the working directory (/app), as the lab's
layout contract says (examples/mod-101-lab2/README.md). PYTHONPATH normally holds /app already; the working
directory is added too so a learner who forgot ENV PYTHONPATH still gets graded on behaviour, not on that.
"""

import os
import sys

if os.getcwd() not in sys.path:
    sys.path.insert(0, os.getcwd())
