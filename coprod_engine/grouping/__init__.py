"""Small groups for workshops: diverse tables, rules and rotations.

- :func:`max_diverse_grouping` solves the Maximally Diverse Grouping Problem (MDGP) on a
  distance matrix (iterated tabu search; checked against MDGPLIB).
- :func:`form_groups` seats people at tables for one or several rounds (world café) from
  their attributes, under hard rules (pins, must/cannot-link, languages, coverage, caps),
  in a diverse or a peer-group mode; :func:`reseat` re-plans after no-shows.
"""

from coprod_engine.grouping.mdgp import DiverseGrouping, grouping_objective, max_diverse_grouping

__all__ = ["DiverseGrouping", "grouping_objective", "max_diverse_grouping"]
