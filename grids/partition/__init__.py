"""Split communities into grids of about ``target`` residents, one worker per grid.

Pure numpy/scipy, no Django: the services call it with plain arrays and store the labels.
One concept per module:

- ``algorithm``: ``partition_city`` / ``partition_community``, a partition from scratch
  (oversized units set apart, ``bisection``, then ``refinement``);
- ``repair``: ``repair_city``, a re-partition that starts from the old grids and runs the
  refinement, for small changes (one grid split or shared out when the count changes by
  one), and decides when only a partition from scratch will do;
- ``rebalancing``: the wider local repair, the fewest residents moved to bring a
  community's grids into range, as one small integer programme;
- ``relabelling``: ``match_labels`` keeps grid ids across a new partition,
  ``residents_moved`` counts who changed grid;
- ``quality``: ``TOLERANCE``, the grid count a community should have, ``grid_balance`` and
  ``city_balance``;
- ``geometry``: projection, hulls, compactness, ``boundary_polygon`` (how every grid is
  drawn), ``optimal_assignment`` of workers;
- ``validation``: input checks, raising ``ValueError``.

The latitude baseline the benchmark compares against lives in ``bench/partition_baseline.py``.
"""

from grids.partition.algorithm import partition_city, partition_community
from grids.partition.geometry import (
    EARTH_RADIUS_M,
    boundary_polygon,
    boundary_polygons,
    convex_hull,
    local_metres,
    optimal_assignment,
    polsby_popper,
    strictly_inside,
)
from grids.partition.quality import TOLERANCE, CityBalance, GridBalance, city_balance, grid_balance
from grids.partition.relabelling import match_labels, residents_moved
from grids.partition.repair import CityRepair, FullReason, Method, repair_city, repair_community

__all__ = [
    "EARTH_RADIUS_M",
    "TOLERANCE",
    "CityBalance",
    "CityRepair",
    "FullReason",
    "GridBalance",
    "Method",
    "boundary_polygon",
    "boundary_polygons",
    "city_balance",
    "convex_hull",
    "grid_balance",
    "local_metres",
    "match_labels",
    "optimal_assignment",
    "partition_city",
    "partition_community",
    "polsby_popper",
    "repair_city",
    "repair_community",
    "residents_moved",
    "strictly_inside",
]
