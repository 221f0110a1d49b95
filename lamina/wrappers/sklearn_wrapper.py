"""scikit-learn estimators around a lamina model: SKLearnClassifier, SKLearnRegressor,
SKLearnTransformer (Keras 3's `keras.wrappers`)."""

import copy

import numpy as np

from lamina.models.cloning import clone_model
from lamina.models.model import Model
from lamina.saving.saving_api import compile_config
from lamina.wrappers.sklearn_support import (
    BaseEstimator, ClassifierMixin, RegressorMixin, TargetReshaper, TransformerMixin,
    check_compiled, check_target_type, require_sklearn, validate_data)


class SKLBase(BaseEstimator):
    """Shared part of the wrappers.

    Args:
        model: a compiled `Model` (cloned for each fit, unless `warm_start` and
            already fitted), or a callable `model(X=X, y=y, **model_kwargs)` returning a
            compiled model.
        warm_start: keep training the fitted model on the next `fit` (False).
        model_kwargs: keyword arguments for a callable `model`.
        fit_kwargs: keyword arguments for `model.fit` (those given to `fit` win).

    Attributes after `fit`: `model_` (the fitted model), `history_` (its History).
    """

    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        require_sklearn(type(self).__name__)
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def _more_tags(self):  # scikit-learn < 1.6
        return {"non_deterministic": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def __sklearn_clone__(self):
        model = self.model if callable(self.model) else copy.deepcopy(self.model)
        return type(self)(model=model, warm_start=self.warm_start,
                          model_kwargs=self.model_kwargs, fit_kwargs=self.fit_kwargs)

    @property
    def epoch_(self):
        """Epochs run by the last fit (0 before any)."""
        history = getattr(self, "history_", None)
        return len(history.epoch) if history is not None else 0

    def _get_model(self, X, y):
        if self.warm_start and hasattr(self, "model_"):
            return self.model_
        if isinstance(self.model, Model):
            clone = clone_model(self.model)
            if getattr(self.model, "compiled", False) and not getattr(clone, "compiled", False):
                # Keras's clone_model compiles the clone like the original; lamina's does
                # not (yet), so the wrapper does it.
                clone.compile_from_config(compile_config(self.model))
            return clone
        return self.model(X=X, y=y, **(self.model_kwargs or {}))

    def fit(self, X, y, **kwargs):
        """Fit on `X` (n_samples, n_features) and `y` (n_samples,) or (n_samples, n_outputs);
        `kwargs` go to `model.fit`. Returns self."""
        X, y = validate_data(self, X, y)
        y = self._process_target(y, reset=True)
        model = self._get_model(X, y)
        check_compiled(model)
        fit_kwargs = {**(self.fit_kwargs or {}), **kwargs}
        self.history_ = model.fit(X, y, **fit_kwargs)
        self.model_ = model
        return self

    def predict(self, X):
        """The model's predictions for `X`, as targets (class labels for a classifier)."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self._reverse_process_target(self.model_.predict(X))

    def _process_target(self, y, reset=False):
        check_target_type(y)
        if reset:
            self._target_encoder = TargetReshaper().fit(y)
        return self._target_encoder.transform(y)

    def _reverse_process_target(self, y):
        return self._target_encoder.inverse_transform(y)


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """A scikit-learn classifier: labels are one-hot encoded for the model, predictions
    are mapped back to labels (the most probable class). Attribute `classes_`."""

    def decision_function(self, X):
        """The model's raw outputs for `X`."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.model_.predict(X)

    def _process_target(self, y, reset=False):
        check_target_type(y, allowed=("binary", "multiclass"))
        if reset:
            import sklearn.pipeline
            import sklearn.preprocessing

            self._target_encoder = sklearn.pipeline.make_pipeline(
                TargetReshaper(), sklearn.preprocessing.OneHotEncoder(sparse_output=False)
            ).fit(y)
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError("Classifier can't train when only one class is present.")
        return self._target_encoder.transform(y)

    def _more_tags(self):
        return {"poor_score": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags


class SKLearnRegressor(RegressorMixin, SKLBase):
    """A scikit-learn regressor; 1-D targets are given to the model as one column."""

    def _more_tags(self):
        return {"poor_score": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags


class SKLearnTransformer(TransformerMixin, SKLBase):
    """A scikit-learn transformer: `transform(X)` is the fitted model's output for `X`
    (e.g. an encoder's features)."""

    def transform(self, X):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.model_.predict(X)

    def _more_tags(self):
        return {"preserves_dtype": []}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
