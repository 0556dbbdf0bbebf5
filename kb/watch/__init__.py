"""What the site keeps watch over for its editors, outside the public RDF: the claims, entities and
topics each editor follows with their reminders by e-mail (``watchlists``, ``reminders``, ``mail``),
and whether each source's address is still alive (``links``). Both keep their state in the accounts
database, shared by every host."""
