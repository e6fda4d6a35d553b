"""Printable patrol PDFs (rota, route sheets) with an embedded CJK font and vector maps."""

from web.pdf.fonts import FontMissingError, find_cjk_font
from web.pdf.rota_pdf import rota_pdf
from web.pdf.route_sheet import route_sheet_pdf, route_url

__all__ = ["FontMissingError", "find_cjk_font", "rota_pdf", "route_sheet_pdf", "route_url"]
