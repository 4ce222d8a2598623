"""Shared helpers for finding quotations and attributing them: paragraphs and word lists."""
