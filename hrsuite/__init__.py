"""The shared base: permissions, encryption, errors, workflow and the other mechanisms every app
uses (docs/architecture.md)."""
