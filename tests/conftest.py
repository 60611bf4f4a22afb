"""Suite-wide settings. The background kernel warm-up (optimizers.warm) stays off:
the suite compiles what it uses itself, and a warm-up process competing for the same
two cores would make its duration depend on timing. tests/test_warm.py tests it."""

import os

os.environ.setdefault("DESCENT_LAB_WARM", "0")
