"""lamina: the Keras model API on JAX. Use it as `import lamina as keras`."""
