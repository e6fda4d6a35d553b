"""Hostile uploads replayed through the real web app (findings 1 and 4 of issue 11).

A coordinator uploads files made to read the server's secrets (GDAL VRT under a vector
name), to reach URLs (/vsicurl/, a GeoJSON crs link), or to tie the server up (an XLSX
zip bomb, a million-row sheet, an oversized CSV). Each is refused without reading what
it names, without leaking content or server paths, within bounded memory, and the
database stays as it was.
"""

from __future__ import annotations

import json
import resource
import secrets
import sqlite3
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import login, make_app
from tests.web.support import data_digest
from tests.web.uploads import import_files, post_import, table_rows
from web.cli import main
from web.demo import DEMO_PASSWORD, DEMO_USER

DATA = Path(__file__).resolve().parents[1] / "data"
BAD, GOOD = DATA / "bad", DATA / "good"
MIB = 1024 * 1024


def vrt(source: str, layer: str) -> str:
    """VRT XML reading ``source`` as a layer whose WKT field would be its geometry."""
    return (
        f"<OGRVRTDataSource><OGRVRTLayer name='{layer}'>"
        f"<SrcDataSource>{source}</SrcDataSource>"
        "<GeometryField encoding='WKT' field='wkt'/></OGRVRTLayer></OGRVRTDataSource>"
    )


@pytest.fixture
def app(demo_copy: Path) -> Flask:
    return make_app(demo_copy)


@pytest.fixture
def coord(app: Flask) -> tuple[FlaskClient, str]:
    client = app.test_client()
    return client, login(client, DEMO_USER, DEMO_PASSWORD)


@pytest.fixture
def server(local_server: tuple[str, list[str]], tmp_path: Path) -> tuple[str, list[str]]:
    """The local HTTP server (base URL, paths asked), serving a secret any URL could reach."""
    (tmp_path / "secret.csv").write_text("wkt,token\nPOINT (0 0),URL-SECRET-0042\n")
    return local_server


def _clean(page: str, app: Flask, *secrets_: str) -> None:
    """No secret and no server path on the page."""
    for secret in secrets_:
        assert secret not in page
    assert app.instance_path not in page and "/tmp/" not in page


@pytest.mark.parametrize("suffix", [".gpkg", ".shp", ".geojson"])
def test_vrt_reading_the_secret_key_and_the_database_is_refused(
    app: Flask, coord: tuple[FlaskClient, str], demo_copy: Path, tmp_path: Path, suffix: str
) -> None:
    client, token = coord
    key = tmp_path / "secret_key"
    token_text = secrets.token_hex(32)
    key.write_text(token_text)
    wal = demo_copy.with_name(demo_copy.name + "-wal")
    assert wal.exists()  # the app's open connection keeps the write-ahead log
    before = data_digest(demo_copy, jobs=False)
    for source, layer in ((f"CSV:{key}", "secret_key"), (f"SQLite:{demo_copy}", "app_user")):
        upload = vrt(source, layer).encode()
        state, page = import_files(client, token, {"buildings": (upload, f"楼栋{suffix}")})
        assert state["status"] == "failed"
        (problem,) = state["problems"]
        assert problem["file"] == f"楼栋{suffix}" and problem["message"].startswith("not ")
        _clean(page + json.dumps(state), app, token_text, "pbkdf2:", "scrypt:")
    assert wal.exists()
    assert data_digest(demo_copy, jobs=False) == before
    with sqlite3.connect(demo_copy) as connection:  # the database still answers
        assert connection.execute("SELECT count(*) FROM household").fetchone()[0] > 0
    connection.close()


def test_vsicurl_and_crs_links_are_refused_without_a_request(
    app: Flask, coord: tuple[FlaskClient, str], demo_copy: Path, server: tuple[str, list[str]]
) -> None:
    client, token = coord
    base, asked = server
    before = data_digest(demo_copy, jobs=False)
    hostile = {
        "vsicurl.gpkg": vrt(f"/vsicurl/{base}/secret.csv", "secret"),
        "vsicurl.geojson": json.dumps(
            {
                "type": "FeatureCollection",
                "features": [],
                "name": vrt(f"/vsicurl/{base}/secret.csv", "secret"),
            }
        ),
        "link.geojson": json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "link", "properties": {"href": f"{base}/crs.wkt"}},
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "Point", "coordinates": [24.9, 60.1]},
                    }
                ],
            }
        ),
    }
    for name, content in hostile.items():
        state, page = import_files(client, token, {"buildings": (content.encode(), name)})
        assert state["status"] == "failed" and state["problems"], name
        _clean(page, app, "URL-SECRET-0042")
    assert asked == []
    assert data_digest(demo_copy, jobs=False) == before


def _peak_growth_mib(run: object) -> tuple[float, float]:
    """Peak Python allocations (tracemalloc) and growth of the peak RSS while ``run`` runs."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    try:
        run()  # type: ignore[operator]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return peak / MIB, rss_after - rss_before


def test_zip_bomb_xlsx_is_refused_with_bounded_memory(
    coord: tuple[FlaskClient, str], demo_copy: Path
) -> None:
    client, token = coord
    bomb = BAD / "households_zip_bomb.xlsx"
    assert bomb.stat().st_size < MIB  # 200 MiB once unpacked
    before = data_digest(demo_copy, jobs=False)
    seen: dict[str, object] = {}

    def run() -> None:
        seen["state"], seen["page"] = import_files(
            client, token, {"households": (bomb, "名册.xlsx")}
        )

    peak, rss = _peak_growth_mib(run)
    assert table_rows(str(seen["page"])) == [
        ["名册.xlsx", "", "", "file unpacks to 200.0 MiB, the limit for households is 128.0 MiB"]
    ]
    assert peak < 64 and rss < 128, (peak, rss)
    assert data_digest(demo_copy, jobs=False) == before


@pytest.mark.parametrize(
    ("dimension", "message"),
    [
        (
            True,
            "more than 100000 rows: the limit for households; split the file or import a "
            "smaller area",
        ),
        (
            False,
            "a large worksheet without a size record (&lt;dimension&gt;): save the workbook "
            "again in Excel or WPS, or save it as CSV",
        ),
    ],
)
def test_a_million_row_sheet_is_refused_without_reading_it_all(
    coord: tuple[FlaskClient, str], demo_copy: Path, tmp_path: Path, dimension: bool, message: str
) -> None:
    """The probe's workbook of 1,000,000 rows (242 KB): read up to the row limit, or, when
    it does not state its size, refused before openpyxl would parse it whole to size it."""
    client, token = coord
    path = tmp_path / "rows.xlsx"
    _million_rows(path, dimension)
    before = data_digest(demo_copy, jobs=False)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    _, page = import_files(client, token, {"households": (path, "rows.xlsx")})
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss_before
    assert table_rows(page) == [["rows.xlsx", "", "", message]]
    assert rss < 256, rss
    assert data_digest(demo_copy, jobs=False) == before


def _million_rows(path: Path, dimension: bool) -> None:
    """A minimal XLSX whose sheet holds a header and 1,000,000 rows of four number cells."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", content_types)
        book.writestr("_rels/.rels", rels)
        book.writestr("xl/workbook.xml", workbook)
        book.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main">'
            )
            if dimension:  # as Excel writes it
                sheet.write(b'<dimension ref="A1:D1000001"/>')
            sheet.write(b"<sheetData>")
            cell = '<c t="inlineStr"><is><t>{}</t></is></c>'
            header = "".join(cell.format(h) for h in ("户号", "楼栋", "楼层", "房号"))
            sheet.write(f"<row>{header}</row>".encode())
            row = "<row>" + "<c><v>1</v></c>" * 4 + "</row>"  # 67 MB unpacked: under the limit
            chunk = (row * 10_000).encode()
            for _ in range(100):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")


def test_oversized_csv_is_refused_unread_with_bounded_memory(
    coord: tuple[FlaskClient, str], demo_copy: Path
) -> None:
    client, token = coord
    line = "H0000001,w123456,3,301,2,否,2015-06-01,13800138000,独居老人,,09:00-12:00,\r\n"
    body = (
        "户号,楼栋,楼层,房号,人数,是否出租,入住时间,电话,标签,诉求,可访时间,地下室\r\n"
        + line * (17 * MIB // len(line.encode()) + 1)
    ).encode()
    assert len(body) > 16 * MIB
    before = data_digest(demo_copy, jobs=False)
    seen: dict[str, object] = {}

    def run() -> None:
        seen["response"] = post_import(client, token, {"households": (body, "名册.csv")})

    peak, rss = _peak_growth_mib(run)
    response = seen["response"]
    assert response.status_code == 422  # type: ignore[attr-defined]
    page = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert table_rows(page) == [
        ["名册.csv", "", "", "file too large: 17.0 MiB, the limit for households is 16.0 MiB"]
    ]
    # Werkzeug spools the upload to disk; reading the file (text, then a list per row)
    # would take several times its 17 MiB.
    assert peak < 16 and rss < 256, (peak, rss)
    assert data_digest(demo_copy, jobs=False) == before


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("buildings", "buildings_vrt.gpkg"),
        ("buildings", "buildings_vrt.shp"),
        ("buildings", "buildings_vrt.zip"),
        ("buildings", "buildings_vsicurl.gpkg"),
        ("buildings", "buildings_vrt_inside.geojson"),
        ("buildings", "buildings_crs_link.geojson"),
        ("buildings", "buildings_no_geometry.gpkg"),
        ("buildings", "buildings_hostile_ids.geojson"),
        ("households", "households_hostile_ids.csv"),
        ("households", "households_truncated.xlsx"),
        ("households", "households_damaged.xlsx"),
        ("volunteers", "volunteers_hostile_ids.csv"),
    ],
)
def test_hostile_corpus_files_leave_the_database_unchanged(
    coord: tuple[FlaskClient, str], demo_copy: Path, kind: str, name: str
) -> None:
    client, token = coord
    before = data_digest(demo_copy, jobs=False)
    state, page = import_files(client, token, {kind: (BAD / name, name)})
    assert state["status"] == "failed" and state["problems"]
    assert table_rows(page) and all(row[0] in (name, "database") for row in table_rows(page))
    assert "<script>" not in page and "onerror=alert" not in page.replace("&lt;", "")
    assert data_digest(demo_copy, jobs=False) == before


def test_cli_prints_the_repair_note_naming_the_footprint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.db"
    bowtie = GOOD / "buildings_selfintersecting.geojson"
    assert main(["import", "--db", str(db), "--buildings", str(bowtie)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ["buildings: 2"]
    assert captured.err.splitlines() == [
        "buildings_selfintersecting.geojson:2:geometry: note: repaired the invalid footprint "
        "of building 'SZ-BOW' (Self-intersection[114.05015 22.5401]) with make_valid; check "
        "its outline on the map"
    ]


def test_cli_refuses_the_live_database_as_an_input(
    demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only redvest's own connection opens its database: not as a register, nor via a link."""
    link = tmp_path / "buildings.gpkg"
    link.symlink_to(demo_copy)
    before = data_digest(demo_copy, jobs=False)
    for option, path in (("--households", demo_copy), ("--buildings", link)):
        code = main(["import", "--db", str(demo_copy), option, str(path)])
        out = capsys.readouterr().out
        assert code == 1
        assert out.splitlines() == [f"{path.name}::: this is redvest's own database"]
    assert data_digest(demo_copy, jobs=False) == before
