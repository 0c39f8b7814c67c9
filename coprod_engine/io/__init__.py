"""Readers and writers for public formats (Polis exports, Pabulib .pb, pool CSVs)."""
