"""groove."""
