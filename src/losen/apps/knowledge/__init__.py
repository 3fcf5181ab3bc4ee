"""The knowledge base and the ethics of a decision, and the example bank between municipalities."""
