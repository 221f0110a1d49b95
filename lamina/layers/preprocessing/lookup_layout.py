"""Where the special indices of a lookup layer (IntegerLookup, StringLookup) sit, as in
Keras: the mask index 0 (only with a `mask_token` and output_mode "int"), then
`num_oov_indices` indices for out-of-vocabulary tokens, then the vocabulary."""


class LookupLayout:
    """Mixin; the layer sets `mask_token`, `oov_token`, `num_oov_indices`, `output_mode`."""

    def _oov_start(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start(self):
        return self._oov_start() + self.num_oov_indices

    def _special_tokens(self):
        head = [self.mask_token] if self._oov_start() else []
        return head + [self.oov_token] * self.num_oov_indices
