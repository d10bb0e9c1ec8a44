"""Acquisition: the content-addressed raw archive of ICE's publications and its manifest."""
