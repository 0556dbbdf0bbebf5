"""Writing the knowledge base: submitted values and files become changes, each applied as one revision."""
