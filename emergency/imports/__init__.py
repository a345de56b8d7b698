"""The Excel import engine: templates from a column spec, validation of every row, and one
transaction that writes them all or nothing.

An area describes its columns once (`ImportSpec`, with columns of the kinds in `columns`); the same
spec gives the template, the validation, the preview, the write and the export of a filtered list,
so a file exported from a list can be corrected and uploaded again. Rows are matched to existing
records by their natural key, so uploading the same file twice changes nothing.

    columns     the kinds of column and how a cell is read (CellError says why it is not taken)
    spec        ImportSpec, and the rows and preview a file gives
    validation  validate (reads and checks, writes nothing) and apply (one transaction)
    writer      the SQL: stored records by natural key, inserts and updates in bulk
    template    the template workbook"""

from .columns import (
    CellError,
    Choice,
    Code,
    Column,
    Date,
    ImportContext,
    Integer,
    MultiChoice,
    Number,
    Org,
    Text,
    normalize,
)
from .spec import ImportSpec, Row, Validation
from .template import template_workbook
from .validation import ImportConflict, apply, validate
from .writer import insert_rows, update_rows

__all__ = [
    "CellError",
    "Choice",
    "Code",
    "Column",
    "Date",
    "ImportConflict",
    "ImportContext",
    "ImportSpec",
    "Integer",
    "MultiChoice",
    "Number",
    "Org",
    "Row",
    "Text",
    "Validation",
    "apply",
    "insert_rows",
    "normalize",
    "template_workbook",
    "update_rows",
    "validate",
]
