"""Fairness of the AI interview: voluntary self-identification, impact ratios, bias audits
(docs/architecture.md, "Fairness")."""
