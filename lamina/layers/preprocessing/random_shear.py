"""RandomShear: shear each image about its top-left corner by random x and y amounts."""

import jax
import jax.numpy as jnp

from lamina.layers.preprocessing.random_affine import _RandomAffine


def _signed_factor(factor, name):
    """(lower, upper): a number f in [0, 1] means [-f, f]; a pair lies in [-1, 1] (Keras
    asks [0, 1] of a pair but stores (-f, f) in its config; this reads that back)."""
    lower, upper = (-1.0, -1.0) if isinstance(factor, bool) else (None, None)
    if isinstance(factor, (int, float)) and not isinstance(factor, bool) and 0 <= factor <= 1:
        lower, upper = -float(factor), float(factor)
    elif isinstance(factor, (tuple, list)) and len(factor) == 2:
        lower, upper = sorted(float(f) for f in factor)
    if lower is None or lower < -1 or upper > 1:
        raise ValueError(f"RandomShear: the `{name}` argument should be a number (or a list of "
                         f"two numbers) in the range [0, 1.0]. Received: {name}={factor}")
    return lower, upper


class RandomShear(_RandomAffine):
    """In training, per image: output (x, y) samples the input at (x + s_x y, s_y x + y),
    with s_x drawn from `x_factor`, s_y from `y_factor` (a number f in [0, 1] means
    [-f, f]) and both negated together on a coin flip.

    Args:
        x_factor: 0.0. y_factor: 0.0. interpolation: "bilinear". fill_mode: "reflect".
        fill_value: 0.0. data_format: None. seed: None.
    """

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear",
                 fill_mode="reflect", fill_value=0.0, data_format=None, seed=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.x_factor = _signed_factor(x_factor, "x_factor")
        self.y_factor = _signed_factor(y_factor, "y_factor")

    def _transforms(self, key, batch, height, width):
        key_sign, key_x, key_y = jax.random.split(key, 3)
        sign = jnp.where(jax.random.uniform(key_sign, (batch,)) > 0.5, -1.0, 1.0)
        shear_x = sign * jax.random.uniform(key_x, (batch,), minval=self.x_factor[0],
                                            maxval=self.x_factor[1])
        shear_y = sign * jax.random.uniform(key_y, (batch,), minval=self.y_factor[0],
                                            maxval=self.y_factor[1])
        ones, zeros = jnp.ones_like(shear_x), jnp.zeros_like(shear_x)
        return jnp.stack([ones, shear_x, zeros, shear_y, ones, zeros, zeros, zeros], axis=1)

    def get_config(self):
        return {**super().get_config(), "x_factor": self.x_factor, "y_factor": self.y_factor}
