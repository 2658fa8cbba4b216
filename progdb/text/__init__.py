"""Text programs: the sentence encoder, the few-shot compiler and the LLM client."""
