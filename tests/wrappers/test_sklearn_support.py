"""Without scikit-learn the wrappers import but refuse to be created."""

import pytest

from lamina.wrappers import sklearn_support, sklearn_wrapper


def test_missing_sklearn_is_a_clear_import_error(monkeypatch):
    monkeypatch.setattr(sklearn_support, "sklearn", None)
    with pytest.raises(ImportError, match="SKLearnRegressor requires `scikit-learn`"):
        sklearn_wrapper.SKLearnRegressor(model=None)
