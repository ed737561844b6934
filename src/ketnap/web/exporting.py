"""Every table on screen can be downloaded: `?xuat=xlsx` (all the page's tables, one sheet each, or the one named by
`bang`) or `?xuat=csv&bang=<slug>`. Views call `export_response` first and return its response when it gives one.
(stub: implemented with ketnap.stats.xlsx / csv)"""

from ketnap.stats.tables import ReportMeta, Table


def export_response(request, tables: list[Table], *, basename: str, meta: ReportMeta | None = None):
    """The file response asked for by request.GET['xuat'] ('xlsx' or 'csv'), or None when none is asked."""
    return None
