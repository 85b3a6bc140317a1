"""Every write of the steps after the interviews: `decisions`, `offers`, `checks` (background
checks and their webhooks). Each has an explicit transition table applied with compare-and-set."""
