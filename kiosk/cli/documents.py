"""``kiosk documents ...``: make the printed documents from an application JSON, and print them.

Exit codes: 0 done, 2 bad arguments or an unreadable application, 3 the job was stored but the
printer could not print it (it stays queued; ``kiosk documents jobs`` lists it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.cli._args import add_json, iso_date
from kiosk.cli._output import UsageError, emit

if TYPE_CHECKING:
    from kiosk.domain.application import Application

SERVICES = ("renewal", "replacement", "exchange", "change", "correction")
EXIT_NOT_PRINTED = 3


def register(subparsers: Any) -> None:
    docs = subparsers.add_parser("documents", help="the form, slip and receipt; printing")
    sub = docs.add_subparsers(dest="documents_command", required=True, parser_class=type(docs))

    p = sub.add_parser("sample-application", help="print a complete made-up application as JSON")
    p.add_argument("--service", choices=SERVICES, default="renewal")
    p.add_argument("--out", type=Path, help="write to this file instead of standard output")
    p.set_defaults(handler=_sample)

    p = sub.add_parser("form", help="the filled A4 application form as PDF")
    _app_and_out(p)
    p.set_defaults(handler=_form)

    p = sub.add_parser("receipt", help="the applicant's slip (预受理凭条) as PDF")
    _app_and_out(p)
    p.add_argument("--paper", choices=("80mm", "a4"), default="80mm")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument(
        "--raster", action="store_true", help="write the ESC/POS raster PNG instead of a PDF"
    )
    p.set_defaults(handler=_slip)

    p = sub.add_parser("official-receipt", help="the staff's 受理回执 after review, as PDF")
    _app_and_out(p)
    p.add_argument("--staff-id", required=True)
    p.add_argument(
        "--result", choices=("approved", "materials_requested", "rejected"), default="approved"
    )
    p.add_argument("--collection-date", type=iso_date, help="default: 7 working days from today")
    p.add_argument("--note", default="")
    p.add_argument("--paper", choices=("80mm", "a4"), default="80mm")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.set_defaults(handler=_official)

    p = sub.add_parser("print", help="queue a document for a printer and try to print it now")
    p.add_argument("--application", type=Path, required=True)
    p.add_argument("--document", choices=("form", "slip", "receipt"), required=True)
    p.add_argument(
        "--printer",
        help="folder[:PATH], cups:QUEUE[@HOST:PORT], escpos:PORT "
        "(default: printer.form / printer.receipt from the config)",
    )
    p.add_argument("--staff-id", help="for --document receipt")
    add_json(p)
    p.set_defaults(handler=_print)

    p = sub.add_parser("jobs", help="list print jobs, or retry one")
    p.add_argument("--retry", type=int, metavar="JOB_ID")
    add_json(p)
    p.set_defaults(handler=_jobs)


def _app_and_out(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--application", type=Path, required=True, help="APP.json (see sample-application)"
    )
    p.add_argument("--out", type=Path, required=True)


def load_application(path: Path) -> Application:
    from kiosk.domain.application import Application

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Application.from_json(data)
    except OSError as exc:
        raise UsageError(f"无法读取申请文件 / cannot read {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"申请文件不是有效的JSON / {path} is not valid JSON: {exc}") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(
            f"申请文件缺少或有错误的字段 / {path} is not a valid application: {exc!r}"
        ) from None


def _write(path: Path, data: bytes) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"{path} ({len(data)} bytes)")
    return 0


def _check_glyphs(app: Application) -> None:
    from kiosk.documents import fonts

    text = (
        app.applicant.name + "".join(r.name for r in app.relatives) + (app.applicant.address or "")
    )
    lost = fonts.missing(text)
    if lost:
        codes = " ".join(fonts.code_label(c) for c in lost)
        print(
            f"注意：以下字符字库中没有，已印成编码框，请手写补充 / not in the fonts, printed as "
            f"code boxes, please write them by hand: {codes}",
            file=sys.stderr,
        )


def _sample(args: argparse.Namespace) -> int:
    from kiosk.documents.sample import sample_application

    text = json.dumps(sample_application(args.service).as_json(), ensure_ascii=False, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


def _form(args: argparse.Namespace) -> int:
    from kiosk.documents.form import render_form

    app = load_application(args.application)
    _check_glyphs(app)
    return _write(args.out, render_form(app))


def _slip(args: argparse.Namespace) -> int:
    from kiosk.documents import slip

    app = load_application(args.application)
    _check_glyphs(app)
    if args.raster:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        slip.render_slip_raster(app, lang=args.lang).save(args.out, "PNG")
        print(args.out)
        return 0
    return _write(args.out, slip.render_slip(app, args.paper, args.lang))


def _review(args: argparse.Namespace) -> Any:
    from kiosk.documents.receipt import Review, default_review

    review = default_review(args.staff_id, args.result)
    try:
        return Review(
            review.result,
            review.staff_id,
            review.reviewed_at,
            args.collection_date or review.collection_date,
            None,
            args.note,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _official(args: argparse.Namespace) -> int:
    from kiosk.documents.receipt import render_receipt

    app = load_application(args.application)
    return _write(args.out, render_receipt(app, _review(args), args.paper, args.lang))


def _queue() -> Any:
    from kiosk.cli._app import build

    kiosk = build()
    return kiosk, kiosk.print_queue()


def _print(args: argparse.Namespace) -> int:
    from kiosk.services.printing import print_application

    app = load_application(args.application)
    kiosk, queue = _queue()
    spec = args.printer or kiosk.printers.for_document(args.document)
    review = None
    if args.document == "receipt":
        if not args.staff_id:
            raise UsageError("打印受理回执须提供 --staff-id / --staff-id is required for a receipt")
        args.result, args.collection_date, args.note = "approved", None, ""
        review = _review(args)
    try:
        job_id = print_application(
            queue, kiosk.printers, app, args.document, review=review, printer=spec
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    queue.run_once(ignore_delays=True)
    info = queue.status(job_id)
    emit(
        {"job": info.id, "state": info.state, "problem": info.problem, "printer": spec},
        args.json,
        f"job {info.id}: {info.state}" + (f" ({info.problem})" if info.problem else ""),
    )
    return 0 if info.state == "printed" else EXIT_NOT_PRINTED


def _jobs(args: argparse.Namespace) -> int:
    _kiosk, queue = _queue()
    if args.retry is not None:
        try:
            queue.retry(args.retry)
        except KeyError as exc:
            raise UsageError(str(exc)) from None
        queue.run_once(ignore_delays=True)
    rows = [
        {
            "id": j.id,
            "document": j.document,
            "printer": j.printer,
            "state": j.state,
            "attempts": j.attempts,
            "problem": j.problem,
        }
        for j in queue.jobs()
    ]
    emit(
        {"jobs": rows},
        args.json,
        "\n".join(
            f"{r['id']}\t{r['document']}\t{r['state']}\t{r['printer']}\t{r['problem'] or ''}"
            for r in rows
        )
        or "no print jobs",
    )
    return 0
