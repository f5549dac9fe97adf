"""Lookup tables that keep all their elements when Rasa writes training data back to YAML.

`rasa test nlu --cross-validation` writes each fold's training data to a YAML file and trains on
what it reads back. Rasa 3.6's writer (``RasaYAMLWriter.process_lookup_tables``) keeps one table
per name, the last one read, while training itself joins them. The ``concept`` table is written in
several files (English and Chinese words apart), so cross-validation would train the entity
extractor on the last file's words alone. :func:`join_lookup_tables` makes the writer join the
tables of one name first. Runs in the Rasa environment, before Rasa's command line.
"""

import copy


def join_lookup_tables() -> None:
    """Make Rasa's YAML writer write every element of same-named lookup tables, once each."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter

    write = RasaYAMLWriter.process_lookup_tables.__func__
    if getattr(RasaYAMLWriter.process_lookup_tables, "joins_tables", False):
        return

    def process_lookup_tables(cls, training_data):
        joined: dict = {}
        kept = []
        for table in training_data.lookup_tables:
            if isinstance(table["elements"], str):  # a file name: Rasa's writer skips it too
                kept.append(table)
                continue
            elements = joined.setdefault(table["name"], [])
            elements.extend(e for e in table["elements"] if e not in elements)
        data = copy.copy(training_data)
        data.lookup_tables = kept + [{"name": name, "elements": elements}
                                     for name, elements in joined.items()]
        return write(cls, data)

    process_lookup_tables.joins_tables = True
    RasaYAMLWriter.process_lookup_tables = classmethod(process_lookup_tables)
