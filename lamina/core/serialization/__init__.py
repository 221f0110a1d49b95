"""Objects <-> Keras 3 config dicts, the registry of user objects, and the errors of
loading: below every package whose objects have a config. `lamina.saving` (files, and the
public names of these functions) sits on top."""
