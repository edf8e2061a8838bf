"""The Standup screen (mode 4): the day's stand-up and impediments."""
