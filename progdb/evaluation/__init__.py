"""Evaluation commands: word methods on relation data, natural prompts."""
