"""Privacy by design: the record of processing (GDPR Art. 30), derived from the models and the settings.

``classification`` says, for every column of every table, what personal data it holds and of whom (or why it holds
none); ``record`` builds the record from that, the settings and the configuration; the administrator's page
(``/admin/processing``), its Markdown download and ``flask --app visitplanner privacy record`` render the same
record.
"""
