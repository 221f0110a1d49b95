"""RandomColorJitter: RandomBrightness, RandomContrast, RandomSaturation and RandomHue
in that order, each only when its factor is given."""

import jax

from lamina.layers.preprocessing.color_args import sorted_value_range
from lamina.layers.preprocessing.image_layer import RandomImageLayer
from lamina.layers.preprocessing.random_color import RandomBrightness, RandomContrast
from lamina.layers.preprocessing.random_hue_saturation import (
    RandomHue,
    RandomSaturation,
)

_STEPS = (("brightness_factor", RandomBrightness), ("contrast_factor", RandomContrast),
          ("saturation_factor", RandomSaturation), ("hue_factor", RandomHue))


class RandomColorJitter(RandomImageLayer):
    """In training, the colour layers whose factor is not None, each with its own draw.

    Args:
        value_range: (0, 255). brightness_factor, contrast_factor, saturation_factor,
        hue_factor: None (skipped) or that layer's `factor`. seed: None.
        data_format: None.
    """

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None,
                 saturation_factor=None, hue_factor=None, seed=None, data_format=None,
                 **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = sorted_value_range(value_range, "RandomColorJitter")
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        # The steps only lend their transforms; randomness comes from this layer's seed.
        self._steps = [cls(getattr(self, arg), value_range=self.value_range,
                           data_format="channels_last", dtype=self.dtype_policy)
                       for arg, cls in _STEPS if getattr(self, arg) is not None]

    def _augment(self, images, key):
        for step, step_key in zip(self._steps, jax.random.split(key, max(len(self._steps), 1))):
            images = step._augment(images, step_key)
        return images

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                **{arg: getattr(self, arg) for arg, _ in _STEPS}}
