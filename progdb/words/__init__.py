"""Word programs: the word space, its index, the analogy methods and the learned ranker."""
