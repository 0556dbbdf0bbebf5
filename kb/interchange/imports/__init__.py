"""Imports of other fact-checkers' data: LIAR, AVeriTeC and ClaimReview, written in revisioned batches."""
