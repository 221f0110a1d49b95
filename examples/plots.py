"""The note's model pictures: the ticket classifier (plain and with shapes), the updated one with
a third output, and the subclassed CustomerTicketModel drawn from its traced call.

    python examples/plots.py [out_dir]      # default examples/out
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lamina.utils import plot_model  # noqa: E402
import note_models as note  # noqa: E402

PICTURES = ("ticket_classifier.png", "ticket_classifier_with_shape_info.png",
            "updated_ticket_classifier.png", "customer_ticket_model.png")


def ticket_batch(n=2, seed=0):
    """A small random batch of the ticket model's inputs, as a dict of (n, features) arrays."""
    rng = np.random.default_rng(seed)
    sizes = {"title": note.VOCABULARY_SIZE, "text_body": note.VOCABULARY_SIZE,
             "tags": note.NUM_TAGS}
    return {k: rng.integers(0, 2, (n, size)).astype("float32") for k, size in sizes.items()}


def write_note_plots(out_dir):
    """Write the note's four model pictures (PICTURES) into `out_dir`; returns their paths."""
    os.makedirs(out_dir, exist_ok=True)
    paths = [os.path.join(out_dir, name) for name in PICTURES]
    model = note.ticket_model()
    plot_model(model, paths[0])
    plot_model(model, paths[1], show_shapes=True)
    plot_model(note.extended_ticket_model(model), paths[2], show_shapes=True)
    subclassed = note.CustomerTicketModel(num_departments=note.NUM_DEPARTMENTS)
    subclassed(ticket_batch())  # one call builds it; plot_model then traces its call()
    plot_model(subclassed, paths[3], show_shapes=True)
    return paths


if __name__ == "__main__":
    for path in write_note_plots(sys.argv[1] if len(sys.argv) > 1 else "examples/out"):
        print("wrote", path)
