"""The data contract of the published dataset (installed as `extractor.schema`).

One source of truth: the pandera models here give validation, the column order and types of the Parquet and
CSV files, and the column table of DATASHEET.md. `taxonomy.json` beside this file is ACLED's event taxonomy.
"""

from .events import EVENT_COLUMNS, DeletedSchema, EventSchema, MentionSchema, QuarantineSchema, column_docs
from .taxonomy import TAXONOMY, Taxonomy

__all__ = ["EVENT_COLUMNS", "DeletedSchema", "EventSchema", "MentionSchema", "QuarantineSchema", "TAXONOMY",
           "Taxonomy", "column_docs"]
