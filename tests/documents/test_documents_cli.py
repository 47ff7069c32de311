"""``kiosk documents ...`` end to end, in a subprocess-free way (the CLI's main)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from kiosk.cli import main


def test_sample_form_and_receipt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["documents", "sample-application", "--service", "change"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (
        data["service"] == "change" and data["applicant"]["name"] and data["applicant"]["id_number"]
    )
    assert data["photo_jpeg_b64"] and data["signature_png_b64"] and data["changes"]
    app = tmp_path / "app.json"
    app.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for args in (
        ["form"],
        ["receipt", "--paper", "a4"],
        ["receipt"],
        ["official-receipt", "--staff-id", "S01", "--collection-date", "2026-12-10"],
    ):
        out = tmp_path / f"{args[0]}-{len(args)}.pdf"
        assert main(["documents", *args, "--application", str(app), "--out", str(out)]) == 0
        assert data["application_number"] in PdfReader(out).pages[0].extract_text()
    png = tmp_path / "slip.png"
    assert (
        main(["documents", "receipt", "--raster", "--application", str(app), "--out", str(png)])
        == 0
    )
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_bad_application_exits_2_with_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    out = tmp_path / "x.pdf"
    assert main(["documents", "form", "--application", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "JSON" in err and "申请文件" in err
    assert (
        main(["documents", "form", "--application", str(tmp_path / "none.json"), "--out", str(out)])
        == 2
    )
    bad.write_text("{}", encoding="utf-8")
    assert main(["documents", "form", "--application", str(bad), "--out", str(out)]) == 2
    assert not out.exists()


def test_print_to_folder_and_retry_after_paper(
    tmp_path: Path, kiosk_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = tmp_path / "app.json"
    assert main(["documents", "sample-application", "--out", str(app)]) == 0
    printed = kiosk_home / "printed"
    printed.mkdir()
    (printed / "OUT-OF-PAPER").touch()
    assert (
        main(["documents", "print", "--application", str(app), "--document", "slip", "--json"]) == 3
    )
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["state"] == "waiting" and result["problem"] == "out_of_paper"
    (printed / "OUT-OF-PAPER").unlink()
    assert main(["documents", "jobs", "--retry", str(result["job"]), "--json"]) == 0
    jobs = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["jobs"]
    assert [j["state"] for j in jobs] == ["printed"]
    assert [p.suffix for p in printed.iterdir()] == [".pdf"]
