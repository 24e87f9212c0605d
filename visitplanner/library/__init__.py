"""The talking-points library per focal theme, and the organisation's own human-rights policy (issue 24, parts 4
and 7a; B.a: "openheid te verschaffen in de eigen (Nederlandse) situatie")."""
