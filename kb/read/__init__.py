"""Reading the knowledge base in domain words: pages, history, feeds, scorecards, independence."""
