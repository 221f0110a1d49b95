"""RandAugment: `num_ops` rounds, each applying one randomly chosen augmentation of a
fixed list to the whole batch, every augmentation at strength `factor`."""

import jax

from lamina.layers.preprocessing.auto_contrast import AutoContrast
from lamina.layers.preprocessing.color_args import sorted_value_range, unit_factor
from lamina.layers.preprocessing.equalization import Equalization
from lamina.layers.preprocessing.image_layer import RandomImageLayer, check_choice
from lamina.layers.preprocessing.random_affine import (
    INTERPOLATIONS,
    RandomRotation,
    RandomTranslation,
)
from lamina.layers.preprocessing.random_color import RandomBrightness, RandomContrast
from lamina.layers.preprocessing.random_color_degeneration import (
    RandomColorDegeneration,
)
from lamina.layers.preprocessing.random_posterization import RandomPosterization
from lamina.layers.preprocessing.random_sharpness import RandomSharpness
from lamina.layers.preprocessing.random_shear import RandomShear
from lamina.layers.preprocessing.solarization import Solarization

# Positions in `augmentation_steps` of the colour-only augmentations (brightness, colour
# degeneration, contrast, sharpness), which AugMix(all_ops=False) leaves out.
COLOUR_STEPS = (3, 4, 5, 6)


def augmentation_steps(factor, value_range, interpolation, dtype):
    """The augmentations RandAugment and AugMix choose from, as functions
    (channels_last float batch, key) -> batch, in Keras's order: shear, translation,
    rotation, brightness, colour degeneration, contrast, sharpness, posterization,
    solarization, auto contrast, equalization."""
    common = {"data_format": "channels_last", "dtype": dtype}
    colour = {"value_range": value_range, **common}
    geometric = {"interpolation": interpolation, **common}
    layers = [
        RandomShear(factor, factor, **geometric),
        RandomTranslation(factor, factor, **geometric),
        RandomRotation(factor, **geometric),
        RandomBrightness(factor, **colour),
        RandomColorDegeneration(factor, **colour),
        RandomContrast(factor, **colour),
        RandomSharpness(factor, **colour),
        RandomPosterization(max(1, int(8 * factor[1])), **colour),
        Solarization(factor, factor, **colour),
    ]
    steps = [layer._augment for layer in layers]
    steps += [lambda images, key, layer=layer: layer.call(images)
              for layer in (AutoContrast(**colour), Equalization(**colour))]
    return steps


class RandAugment(RandomImageLayer):
    """In training, `num_ops` times: pick one of the 11 augmentations of
    `augmentation_steps` at random (one pick for the batch) and apply it with a fresh
    draw. factor: a number f in [0, 1] (meaning [0, f]) or a pair, the strength every
    augmentation draws from.

    Args:
        value_range: (0, 255). num_ops: 2. factor: 0.5. interpolation: "bilinear".
        seed: None. data_format: None.
    """

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear",
                 seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = sorted_value_range(value_range, "RandAugment")
        if not isinstance(num_ops, int) or isinstance(num_ops, bool) or num_ops < 0:
            raise ValueError(f"RandAugment: num_ops must be a non-negative int. Received: "
                             f"num_ops={num_ops}")
        self.num_ops = num_ops
        self.factor = unit_factor(factor, "RandAugment")
        self.interpolation = check_choice("RandAugment", "interpolation", interpolation,
                                          INTERPOLATIONS)
        self._steps = augmentation_steps(self.factor, self.value_range, self.interpolation,
                                         self.dtype_policy)

    def _augment(self, images, key):
        for round_key in jax.random.split(key, self.num_ops) if self.num_ops else ():
            key_pick, key_step = jax.random.split(round_key)
            pick = jax.random.randint(key_pick, (), 0, len(self._steps))
            images = jax.lax.switch(pick, self._steps, images, key_step)
        return images

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "num_ops": self.num_ops, "factor": self.factor,
                "interpolation": self.interpolation}
