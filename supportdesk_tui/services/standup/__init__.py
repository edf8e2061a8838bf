"""The daily stand-up: the plan of the day, what moved on the boards, triage since yesterday, impediments."""
