"""What the scikit-learn wrappers need from scikit-learn, imported once.

scikit-learn is optional: without it the wrapper classes still import (on plain base
classes) and creating one raises ImportError saying how to install it.
"""

import numpy as np

try:
    import sklearn
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
except ImportError:
    sklearn = None

    class BaseEstimator:  # stand-ins so the wrapper classes can be defined
        pass

    class ClassifierMixin:
        pass

    class RegressorMixin:
        pass

    class TransformerMixin:
        pass


def require_sklearn(name):
    if sklearn is None:
        raise ImportError(f"{name} requires `scikit-learn` to be installed. Run "
                          "`pip install scikit-learn` to install it.")


def validate_data(estimator, *args, **kwargs):
    """scikit-learn's input validation (a function from 1.6, a method before)."""
    try:
        from sklearn.utils.validation import validate_data as validate
    except ImportError:
        return estimator._validate_data(*args, **kwargs)
    return validate(estimator, *args, **kwargs)


def check_target_type(y, allowed=None):
    """scikit-learn's target type of `y` ("binary", "multiclass", ...); unknown types and,
    with `allowed`, other types raise ValueError."""
    from sklearn.utils.multiclass import type_of_target

    kind = type_of_target(y)
    if kind == "unknown":
        raise ValueError(f"Unknown label type for data: {y!r}")
    if allowed is not None and kind not in allowed:
        raise ValueError(f"Only {' and '.join(allowed)} target types are supported. "
                         f"Target type: {kind}")
    return kind


def check_compiled(model):
    if not getattr(model, "compiled", False) or not model.loss or not model.optimizer:
        raise RuntimeError("Given model needs to be compiled, and have a loss and an "
                           "optimizer.")


class TargetReshaper(TransformerMixin, BaseEstimator):
    """Make 1-D targets 2-D (one column) and back, for encoders that want 2-D input."""

    def fit(self, y):
        self.ndim_ = np.ndim(y)
        return self

    def transform(self, y):
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def inverse_transform(self, y):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        return np.squeeze(y, axis=1) if self.ndim_ == 1 and y.ndim == 2 else y
