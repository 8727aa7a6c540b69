"""The LoanGraph exception tree. Catch what you can handle; everything else is a bug.

    LoanGraphError
     +-- ConfigurationError        settings that cannot work (e.g. PII routed to an external API)
     +-- DatabaseUnavailable       the database cannot be reached or started
     +-- IngestError               one input file cannot be ingested (reason is one line)
     +-- ModelUnavailable          a local model is missing (we never download at run time)
"""


class LoanGraphError(Exception):
    """Base class for errors we expect and explain to the user."""


class ConfigurationError(LoanGraphError):
    pass


class DatabaseUnavailable(LoanGraphError):
    pass


class IngestError(LoanGraphError):
    """A file that cannot be ingested; `str(err)` is a one-line reason."""


class ModelUnavailable(LoanGraphError):
    pass
