"""Per-example losses, written once: the empirical-risk surfaces and the MLP use these.

Each returns the loss and its first and second derivative in the model's output, so
every caller gets gradients and Hessians by the chain rule from one place.
"""

import numpy as np

from landscapes._jit import jit_inline


@jit_inline
def squared_error(prediction, target):
    """(r², 2r, 2) with r = prediction - target: one example's squared error."""
    r = prediction - target
    return r * r, 2.0 * r, 2.0


@jit_inline
def bce_with_logits(logit, label):
    r"""Binary cross-entropy of a logit s against a label y in {0, 1}, as torch's
    ``binary_cross_entropy_with_logits``:

    .. math:: \ell(s) = \log(1 + e^{s}) - y s, \quad \ell' = \sigma(s) - y,
        \quad \ell'' = \sigma(s)(1 - \sigma(s)),

    evaluated as max(s, 0) + log1p(e^{-|s|}) - y s so no exponential overflows."""
    e = np.exp(-abs(logit))
    loss = max(logit, 0.0) + np.log1p(e) - label * logit
    if logit >= 0.0:
        sigma = 1.0 / (1.0 + e)
    else:
        sigma = e / (1.0 + e)
    return loss, sigma - label, sigma * (1.0 - sigma)
