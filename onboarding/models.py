"""Decisions, offers, background checks and onboarding: the steps after the interviews."""
