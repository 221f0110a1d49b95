"""lamina.utils: helpers around models (plot_model, ...)."""

from lamina.utils.model_visualization import model_to_dot, plot_model
