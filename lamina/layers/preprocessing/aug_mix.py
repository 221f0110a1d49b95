"""AugMix: blend an image with a mixture of several random augmentation chains."""

import jax
import jax.numpy as jnp

from lamina.layers.preprocessing.color_args import sorted_value_range, unit_factor
from lamina.layers.preprocessing.image_layer import RandomImageLayer, check_choice
from lamina.layers.preprocessing.rand_augment import COLOUR_STEPS, augmentation_steps
from lamina.layers.preprocessing.random_affine import INTERPOLATIONS


def _positive_int(value, name):
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"AugMix: {name} must be a positive int. Received: {name}={value}")
    return value


class AugMix(RandomImageLayer):
    """In training: `num_chains` chains of `chain_depth` steps, each step one augmentation
    picked at random for the batch (or none); the chains are mixed with Dirichlet(alpha)
    weights m and the result is w x + (1 - w) sum_k m_k chain_k(x), w ~ Beta(alpha,
    alpha), clipped to `value_range`. all_ops=False leaves out the colour augmentations
    (brightness, colour degeneration, contrast, sharpness).

    Args:
        value_range: (0, 255). num_chains: 3. chain_depth: 3. factor: 0.3. alpha: 1.0.
        all_ops: True. interpolation: "bilinear". seed: None. data_format: None.
    """

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3,
                 alpha=1.0, all_ops=True, interpolation="bilinear", seed=None,
                 data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = sorted_value_range(value_range, "AugMix")
        self.num_chains = _positive_int(num_chains, "num_chains")
        self.chain_depth = _positive_int(chain_depth, "chain_depth")
        self.factor = unit_factor(factor, "AugMix")
        if not alpha > 0:
            raise ValueError(f"AugMix: alpha must be positive. Received: alpha={alpha}")
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = check_choice("AugMix", "interpolation", interpolation,
                                          INTERPOLATIONS)
        steps = augmentation_steps(self.factor, self.value_range, self.interpolation,
                                   self.dtype_policy)
        if not all_ops:
            steps = [s for i, s in enumerate(steps) if i not in COLOUR_STEPS]
        # The last choice is "no augmentation at this depth".
        self._steps = steps + [lambda images, key: images]

    def _augment(self, images, key):
        key_mix, key_weight, key_chains = jax.random.split(key, 3)
        mixing = jax.random.dirichlet(key_mix, jnp.full((self.num_chains,), self.alpha),
                                      dtype=images.dtype)
        weight = jax.random.beta(key_weight, self.alpha, self.alpha, (), images.dtype)
        mixed = jnp.zeros_like(images)
        for chain, chain_key in enumerate(jax.random.split(key_chains, self.num_chains)):
            chained = images
            for step_key in jax.random.split(chain_key, self.chain_depth):
                key_pick, key_step = jax.random.split(step_key)
                pick = jax.random.randint(key_pick, (), 0, len(self._steps))
                chained = jax.lax.switch(pick, self._steps, chained, key_step)
            mixed = mixed + mixing[chain] * chained
        return jnp.clip(weight * images + (1.0 - weight) * mixed, *self.value_range)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "num_chains": self.num_chains, "chain_depth": self.chain_depth,
                "factor": self.factor, "alpha": self.alpha, "all_ops": self.all_ops,
                "interpolation": self.interpolation}
