"""Releases (placeholder)."""

from __future__ import annotations
