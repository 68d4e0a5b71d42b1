"""The one Spark master every Spark test asks for.

The engine keeps one SparkSession per process and stops it to build another when a call
names a different master; the Spark tests all name this one, so the suite starts Spark once.
"""

from __future__ import annotations

MASTER = "local[2]"
