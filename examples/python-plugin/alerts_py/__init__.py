"""alerts-py: a RoadSense plugin in Python that serves alerts.CheckConditions (see README.md)."""

VERSION = "0.1.0"
