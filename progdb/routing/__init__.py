"""Routing: the learned router, its calibration and fit, slot filling, labelled prompts."""
