"""Serialisations of our data in other communities' formats (schema.org ClaimReview)."""
