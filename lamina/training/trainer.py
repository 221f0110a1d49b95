"""Trainer: compile / fit / evaluate / predict, mixed into Model."""


class Trainer:
    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.stop_training = False
        self.history = None
