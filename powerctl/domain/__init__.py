"""Questions about catalogues: flow graphs, statistics, comparison, differences, calendars, change notes."""
