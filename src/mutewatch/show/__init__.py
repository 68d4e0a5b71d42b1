"""Showing the measurements: the self-contained HTML report and the shared figures."""
