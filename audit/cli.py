"""Command line: the only place that prints and exits.

Exit codes: 0 ok, 1 quality gate failed, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

EXIT_OK, EXIT_GATE, EXIT_USAGE = 0, 1, 2
DEFAULT_BASELINE = "audit-baseline.json"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2
        self.exit(EXIT_USAGE, f"audit: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    from audit import __version__
    from audit.render import FORMATS

    p = _Parser(prog="audit", description="Audit machine translations (English → Japanese).")
    p.add_argument("--version", action="version", version=f"mt-audit {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    c = sub.add_parser("check", help="audit a translation and write a report")
    c.add_argument(
        "target", metavar="TARGET", nargs="*",
        help="translation: text, Markdown, or a bilingual file (TSV, JSONL, XLIFF, TMX, PO); several, a folder or a glob audit a project",
    )  # fmt: skip
    c.add_argument("--source", metavar="SOURCE", help="the English source document")
    c.add_argument("--reference", metavar="REF", help="a human Japanese translation to score against")
    c.add_argument("--presegmented", action="store_true", help="one sentence per line; blank line = paragraph break")
    c.add_argument("--format", choices=FORMATS, default="text", help="report format (default text); html is one self-contained file")
    c.add_argument("-o", "--output", metavar="FILE", help="write the report here (atomically) instead of stdout")
    c.add_argument("--config", metavar="FILE", help="audit.toml or pyproject.toml with [tool.audit]")
    c.add_argument("--select", metavar="CODES", help="comma-separated check codes or prefixes to run")
    c.add_argument("--ignore", metavar="CODES", help="comma-separated check codes or prefixes to skip")
    c.add_argument(
        "--glossary",
        action="append",
        metavar="FILE",
        help="a glossary (TSV source<TAB>target[<TAB>note], or TBX); repeatable; replaces configured glossaries",
    )
    c.add_argument(
        "--knowledge", metavar="INDEX", help="official names from Wikidata (audit knowledge build DUMP -o INDEX): enables KNW001, KNW002"
    )
    c.add_argument("--suppressions", metavar="FILE", help="TOML file of reviewed findings to silence, each with a reason")
    prj = c.add_argument_group("projects: many documents in one run")
    prj.add_argument("--source-dir", metavar="DIR", help="the English sources, paired with --target-dir by relative path")
    prj.add_argument("--target-dir", metavar="DIR", help="the translations (a file with no source is audited target-only)")
    prj.add_argument("--include", action="append", metavar="GLOB", help="only files whose relative path matches (repeatable)")
    prj.add_argument("--exclude", action="append", metavar="GLOB", help="skip files whose relative path matches (repeatable)")
    prj.add_argument("--jobs", metavar="N", help="processes to use: documents audited at once, or a large document's sentence vectors and checks split over two (default: the machine's cores; the report is the same)")
    prj.add_argument("--executor", metavar="local|dask|dask://HOST:PORT", help="where documents run (default local; dask needs the extra)")
    prj.add_argument(
        "--stream", action="store_true",
        help="a translation memory too large to hold (TMX, XLIFF, TSV, JSONL): read unit by unit, audited in batches "
        "(--jobs, --executor), findings written as JSON Lines as it goes (--format jsonl)",
    )  # fmt: skip
    prj.add_argument("--batch-size", type=_positive_int, default=500, metavar="N", help="units per batch with --stream (default 500)")
    c.add_argument("--encoding", metavar="NAME", help="decode inputs with this encoding instead of detecting it")
    c.add_argument("--max-size", metavar="SIZE", help="largest input accepted, e.g. 20MiB (default)")
    c.add_argument("--fail-on", choices=("critical", "major", "minor"), help="exit 1 if a finding of this severity or worse exists")
    c.add_argument(
        "--min-confidence",
        metavar="P",
        help="list (and gate on) findings whose confidence, the probability that a reviewer marks an error there, "
        "is at least P (0-1; default: the confidence model's threshold; 0 lists every finding)",
    )
    c.add_argument(
        "--gate",
        action="append",
        metavar="EXPR",
        help="exit 1 unless NAME OP NUMBER holds, e.g. critical==0, major<=3, GRB==0, chrf>=55, xsim>=0.6 (repeatable)",
    )
    c.add_argument(
        "--baseline",
        metavar="FILE",
        help="baseline file for gates such as comet>=baseline-0.01 and new==0; new findings since it are listed",
    )
    c.add_argument(
        "--update-baseline",
        action="store_true",
        help=f"write this audit into the baseline file as the document's accepted state (default file {DEFAULT_BASELINE})",
    )
    c.add_argument("--embedder", metavar="SPEC", help=EMBEDDER_HELP)
    c.add_argument(
        "--comet",
        metavar="MODEL",
        help="COMET model folder, checkpoint or name (extra 'comet'): reference-based with --reference, "
        "quality estimation for reference-free models, round trip with back-translations",
    )
    llm = c.add_argument_group("models behind an OpenAI-compatible API (extra 'llm')")
    llm.add_argument(
        "--reviewer",
        metavar="openai:MODEL",
        help="add a review stage: the model marks error spans with a category, severity, explanation and correction",
    )
    llm.add_argument(
        "--llm-base-url",
        metavar="URL",
        help="the server (default: OPENAI_BASE_URL, else OpenAI's); e.g. http://localhost:11434/v1 for Ollama. "
        "The key is read from OPENAI_API_KEY (or the variable llm-api-key-env names), never from the command line",
    )
    llm.add_argument("--llm-max-requests", metavar="N", help="most requests this audit may send (retries included)")
    bt = c.add_argument_group("back-translation")
    bt.add_argument(
        "--backtranslate",
        metavar="auto|none|MODEL|FILE",
        help="auto (default): an installed ja→en model if any; none; a model name, pair (ja_en) or folder; "
        "a TSV/JSONL file of back-translations made elsewhere; or openai:MODEL (an OpenAI-compatible server)",
    )
    bt.add_argument("--beam-size", type=_positive_int, default=4, metavar="N", help="beam size (default 4, as Argos)")
    bt.add_argument(
        "--nbest", type=_positive_int, default=3, metavar="N",
        help="hypotheses per sentence (default 3, free within the beam of 4); >1 measures agreement, 1 turns it off",
    )
    bt.add_argument("--compute-type", default="default", metavar="TYPE", help="CTranslate2 compute type: default, int8, float32, auto…")
    bt.add_argument("--max-decoding-length", type=_positive_int, default=256, metavar="N", help="longest back-translation in tokens")
    bt.add_argument("--threads", type=int, default=0, metavar="N", help="CPU threads (0: all)")
    bt.add_argument("--no-cache", action="store_true", help="do not read or write the cache of back-translations and sentence vectors")
    c.add_argument("--debug", action="store_true", help="show tracebacks")

    a = sub.add_parser("align", help="align the sentences of a source and its translation")
    a.add_argument("source", metavar="SOURCE")
    a.add_argument("target", metavar="TARGET")
    a.add_argument("--presegmented", action="store_true", help="one sentence per line; ids are non-blank line indices")
    a.add_argument("--format", choices=("json", "tsv"), default="json")
    a.add_argument("--embedder", metavar="SPEC", help=EMBEDDER_HELP)
    a.add_argument("-o", "--output", metavar="FILE")
    a.add_argument("--debug", action="store_true", help="show tracebacks")

    sg = sub.add_parser("signature", help="show a JSON report's signature, or whether two reports are comparable")
    sg.add_argument("reports", metavar="REPORT.json", nargs="+", help="one report to show, two to compare")
    sg.add_argument("--debug", action="store_true", help="show tracebacks")

    cp = sub.add_parser("compare", help="rank translations of the same source, with significance tests")
    cp.add_argument("systems", metavar="TRANSLATION", nargs="+", help="two or more translations; the first is the baseline")
    cp.add_argument("--source", metavar="SOURCE", help="the English source (enables the xsim metric)")
    cp.add_argument("--reference", metavar="REF", help="a human Japanese translation (enables chrf, bleu, ter)")
    cp.add_argument("--presegmented", action="store_true", help="one sentence per line (needed for reference metrics)")
    cp.add_argument("--metrics", metavar="LIST", help="comma-separated: chrf, bleu, ter, xsim (default: all available)")
    cp.add_argument("--test", choices=("bootstrap", "ar"), default="bootstrap", help="paired bootstrap or approximate randomisation")
    cp.add_argument("--embedder", metavar="SPEC", help=EMBEDDER_HELP)
    cp.add_argument("--resamples", type=_positive_int, default=1000, metavar="N")
    cp.add_argument("--format", choices=("text", "json"), default="text")
    cp.add_argument("-o", "--output", metavar="FILE")
    cp.add_argument("--debug", action="store_true", help="show tracebacks")

    sub.add_parser("rules", help="list the checks")
    r = sub.add_parser("rule", help="show one check's documentation")
    r.add_argument("code")

    cfg = sub.add_parser("config", help="print the effective configuration and where each value came from")
    cfg.add_argument("--config", metavar="FILE")

    m = sub.add_parser("models", help="list, install or remove back-translation models (Argos packages)")
    msub = m.add_subparsers(dest="models_command", metavar="ACTION", parser_class=_Parser, required=True)
    ml = msub.add_parser("list", help="installed models (the toolkit's folder and argostranslate's)")
    ml.add_argument("--format", choices=("text", "json"), default="text")
    mi = msub.add_parser("install", help="install a local .argosmodel file, or a package by name from the Argos index (online)")
    mi.add_argument("package", metavar="PATH_OR_NAME")
    mi.add_argument("--replace", action="store_true", help="replace an installed package of the same name")
    mr = msub.add_parser("remove", help="remove a model from the toolkit's folder")
    mr.add_argument("name", metavar="NAME")
    for sp in (ml, mi, mr):
        sp.add_argument("--debug", action="store_true", help="show tracebacks")

    k = sub.add_parser("knowledge", help="build or describe a knowledge index of official names (Wikidata)")
    ksub = k.add_subparsers(dest="knowledge_command", metavar="ACTION", parser_class=_Parser, required=True)
    kb = ksub.add_parser("build", help="index a Wikidata JSON dump (latest-all.json.gz, .bz2, or an extract), streaming")
    kb.add_argument("dump", metavar="DUMP")
    kb.add_argument("-o", "--output", metavar="INDEX", required=True)
    kb.add_argument("--all-kinds", action="store_true", help="keep every item with an English and a Japanese label, not only names")
    ki = ksub.add_parser("info", help="what an index holds and where it came from")
    ki.add_argument("index", metavar="INDEX")
    for sp in (kb, ki):
        sp.add_argument("--debug", action="store_true", help="show tracebacks")
    return p


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value!r} must be at least 1")
    return n


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    from audit.errors import AuditError

    previous = _terminate_as_interrupt()
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "align":
            return _align(args)
        if args.command == "signature":
            return _signature(args)
        if args.command == "rules":
            return _rules()
        if args.command == "rule":
            return _rule(args.code)
        if args.command == "config":
            return _config(args)
        if args.command == "models":
            return _models(args)
        if args.command == "compare":
            return _compare(args)
        if args.command == "knowledge":
            return _knowledge(args)
    except AuditError as exc:
        if getattr(args, "debug", False):
            raise
        _err(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return EXIT_USAGE


def _terminate_as_interrupt() -> Any:
    """Make SIGTERM (a kill, a CI timeout) stop the run as Ctrl-C does, so that the files being
    written are cleaned up; the previous handler, or None where none can be set (not the main
    thread, a platform without SIGTERM)."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, interrupt)
    except (ValueError, AttributeError, OSError):
        return None


EMBEDDER_HELP = (
    "sentence encoder: use (default, multilingual USE), sentence-transformers:MODEL_OR_PATH (extra 'st') "
    "or openai:MODEL (an OpenAI-compatible embeddings API at --llm-base-url, extra 'llm')"
)


def _err(message: str) -> None:
    sys.stderr.write(f"audit: error: {message}\n")


def _codes(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [c.strip() for c in value.split(",") if c.strip()]


def _check(args: argparse.Namespace) -> int:
    from audit.config import resolve
    from audit.pipeline import AuditRequest, run_audit
    from audit.render import render

    cli = {
        "select": _codes(args.select),
        "ignore": _codes(args.ignore),
        "encoding": args.encoding,
        "max-size": args.max_size,
        "suppressions": args.suppressions,
        "backtranslate": args.backtranslate,
        "embedder": args.embedder,
        "comet": args.comet,
        "gates": args.gate,
        "baseline": args.baseline,
        "glossaries": args.glossary,
        "min-confidence": args.min_confidence,
        "reviewer": args.reviewer,
        "llm-base-url": args.llm_base_url,
        "llm-max-requests": args.llm_max_requests,
        "knowledge": args.knowledge,
        "source-dir": args.source_dir,
        "target-dir": args.target_dir,
        "include": args.include,
        "exclude": args.exclude,
        "jobs": args.jobs,
        "executor": args.executor,
    }
    config = resolve(cli=cli, config_path=args.config)
    if args.update_baseline and not config.baseline:
        from dataclasses import replace

        config = replace(config, baseline=DEFAULT_BASELINE, origins={**config.origins, "baseline": "default for --update-baseline"})
    decode = _decode_settings(args)
    targets = list(args.target)
    if args.stream:
        from audit.cli_project import check_stream

        return check_stream(args, config, targets)
    if config.source_dir or config.target_dir or len(targets) > 1 or (targets and _many(targets[0])):
        from audit.cli_project import check_project

        return check_project(args, config, targets)
    if not targets:
        from audit.errors import UsageError

        raise UsageError("give the translation to audit (TARGET), or --source-dir and --target-dir for a project")
    progress = _Progress() if sys.stderr.isatty() else None
    try:
        report = run_audit(
            AuditRequest(
                targets[0],
                source=args.source,
                reference=args.reference,
                presegmented=args.presegmented,
                config=config,
                decode=decode,
                n_best=args.nbest,
                use_cache=not args.no_cache,
                update_baseline=args.update_baseline,
            ),
            progress=progress,
        )
    finally:
        if progress:
            progress.done()
    color = args.format == "text" and args.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    text = render(report, args.format, color=color)
    _emit(args.output, text)
    if args.update_baseline and config.baseline:
        from audit import baseline as bl

        bl.update_file(config.baseline, [report])
        sys.stderr.write(f"audit: baseline {config.baseline} updated for {bl.document_key(report.target.path)}\n")
    elif report.baseline is not None and (args.format != "text" or args.output):
        from audit.render.common import baseline_line, safe_terminal

        sys.stderr.write(f"audit: {safe_terminal(baseline_line(report))}\n")
    status = EXIT_OK
    if report.gates:
        sig = report.signature.get("id", "?")
        for g in report.gates:
            sys.stderr.write(f"audit: gate {g.describe()} [signature {sig}]\n")
        if report.gates_failed:
            _err(f"{len(report.gates_failed)} of {len(report.gates)} gates failed")
            status = EXIT_GATE
    if fails_on(args.fail_on, report.findings):
        return EXIT_GATE
    return status


def fails_on(severity: str | None, findings: Iterable[Any]) -> bool:
    """``--fail-on SEVERITY``: whether a finding is that severe or worse (and say so)."""
    if not severity:
        return False
    from audit.model import Severity

    limit = Severity(severity).rank
    failing = sum(1 for f in findings if f.severity.rank <= limit)
    if failing:
        _err(f"gate failed: {failing} finding(s) at severity {severity} or worse")
    return failing > 0


def _many(target: str) -> bool:
    """A folder or a glob: a project of the files in it."""
    import glob

    return os.path.isdir(target) or (glob.has_magic(target) and not os.path.exists(target))


def _decode_settings(args: argparse.Namespace) -> object:
    from audit.backtranslate.ct2 import DecodeSettings
    from audit.errors import UsageError

    try:
        return DecodeSettings(
            beam_size=args.beam_size,
            compute_type=args.compute_type,
            max_decoding_length=args.max_decoding_length,
            threads=max(0, args.threads),
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _signature(args: argparse.Namespace) -> int:
    import json

    from audit.errors import InputError, UsageError
    from audit.render.common import safe_terminal
    from audit.signature import differences, signature_id

    if len(args.reports) > 2:
        raise UsageError("give one report to show its signature, or two to compare them")
    sigs = []
    for path in args.reports:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            sig = data["signature"]
            if not isinstance(sig, dict):
                raise TypeError
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
            raise InputError("not an audit JSON report (audit check --format json)", path=path) from None
        sigs.append(sig)
    if len(sigs) == 1:
        sig = sigs[0]
        lines = [f"signature {signature_id(sig)} ({sig.get('toolkit')})"]
        lines += [f"  {k}: {safe_terminal(str(v))}" for k, v in sorted(dict(sig.get("components", {})).items())]
        sys.stdout.write("\n".join(lines) + "\n")
        return EXIT_OK
    a, b = sigs
    diff = differences(a, b)
    if not diff:
        sys.stdout.write(f"comparable: both reports have signature {signature_id(a)}\n")
        return EXIT_OK
    lines = [f"not comparable: signatures {signature_id(a)} and {signature_id(b)} differ in"]
    lines += [f"  {k}: {safe_terminal(str(x))} → {safe_terminal(str(y))}" for k, x, y in diff]
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_GATE


def _compare(args: argparse.Namespace) -> int:
    import json

    from audit.compare import compare
    from audit.config import resolve
    from audit.embedders import resolve_embedder

    config = resolve(cli={"embedder": args.embedder})
    spec = config.embedder
    result = compare(
        args.systems,
        source=args.source,
        reference=args.reference,
        presegmented=args.presegmented,
        metrics=tuple(_codes(args.metrics.lower()) or ()) if args.metrics else None,
        test=args.test,
        n=args.resamples,
        embedder=resolve_embedder(spec, config) if args.source and spec != "use" else None,
    )
    if args.format == "json":
        text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    else:
        from audit.render.common import safe_terminal

        test = "paired bootstrap" if result.test == "bootstrap" else "approximate randomisation"
        metrics = list(result.systems[0].scores)
        lines = [f"{result.segments} segments; {test}, {args.resamples} resamples, seed {result.signature['seed']}; 95% intervals"]
        width = max(len(s.system) for s in result.systems) + 2
        lines.append("system".ljust(width) + "".join(m.rjust(24) for m in metrics))
        for s in result.systems:
            cells = []
            for m in metrics:
                v, ci = s.scores[m]
                cells.append((f"{v:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]" if m == "xsim" else f"{v:.2f} [{ci[0]:.2f}, {ci[1]:.2f}]") if ci else f"{v:.2f}")
            lines.append(safe_terminal(s.system).ljust(width) + "".join(c.rjust(24) for c in cells))
        lines.append("")
        for c in result.comparisons:
            better = "better" if c.delta > 0 else "worse"
            mark = f"significantly {better}" if c.significant else "no significant difference"
            lines.append(
                f"{safe_terminal(c.system)} vs {safe_terminal(c.baseline)} on {c.metric}: "
                f"{c.delta:+.3f} [{c.interval[0]:+.3f}, {c.interval[1]:+.3f}], p = {c.p_value:.4f} — {mark}"
            )
        sigs = "; ".join(f"{k}: {v}" for k, v in result.signature.items() if k in ("chrf", "bleu", "ter", "xsim"))
        lines.append(f"signatures: {sigs}")
        text = "\n".join(lines) + "\n"
    _emit(args.output, text)
    return EXIT_OK


def _models(args: argparse.Namespace) -> int:
    import json

    from audit.backtranslate import packages

    if args.models_command == "list":
        found = packages.installed_packages()
        if args.format == "json":
            sys.stdout.write(json.dumps([p.describe() for p in found], ensure_ascii=False, indent=2) + "\n")
            return EXIT_OK
        if not found:
            sys.stdout.write(f"no models installed (looked in {packages.models_dir()} and {', '.join(map(str, packages.argos_dirs()))})\n")
            return EXIT_OK
        default = packages.default_package()
        for pkg in found:
            mark = "*" if default is not None and pkg.path == default.path else " "
            sys.stdout.write(f"{mark} {pkg.name:<32} {pkg.from_code}→{pkg.to_code}  v{pkg.version:<8} {pkg.origin:<6} {pkg.path}\n")
        if default is not None:
            sys.stdout.write("* used by --backtranslate auto\n")
        return EXIT_OK
    if args.models_command == "install":
        if Path(args.package).expanduser().exists() or args.package.endswith(".argosmodel"):
            pkg = packages.install_package(args.package, replace=args.replace)
        else:
            pkg = packages.install_by_name(args.package)
        sys.stdout.write(f"installed {pkg.name} ({pkg.from_code}→{pkg.to_code} v{pkg.version}) in {pkg.path}\n")
        return EXIT_OK
    removed = packages.remove_package(args.name)
    sys.stdout.write(f"removed {removed}\n")
    return EXIT_OK


def _align(args: argparse.Namespace) -> int:
    import json

    from audit.align import AlignSettings, align
    from audit.config import resolve
    from audit.embedders import resolve_embedder
    from audit.io import read_document
    from audit.pipeline import check_languages

    config = resolve(cli={"embedder": args.embedder})
    src = read_document(args.source, config.source_lang, presegmented=args.presegmented)
    tgt = read_document(args.target, config.target_lang, presegmented=args.presegmented)
    check_languages(tgt, src, config)
    settings = AlignSettings()
    embedder = resolve_embedder(config.embedder, config)
    beads = align(
        [s.text for s in src.segments],
        [t.text for t in tgt.segments],
        settings=settings,
        embedder=embedder,
        src_paragraphs=[s.paragraph for s in src.segments],
        tgt_paragraphs=[t.paragraph for t in tgt.segments],
    )
    if args.format == "json":
        text = json.dumps(
            {
                "alignment": [[list(b.source), list(b.target)] for b in beads],
                "scores": [b.score for b in beads],
                "signature": f"{settings.signature()}|{embedder.signature}",
                "source": {"path": src.path, "sha256": src.sha256, "sentences": len(src.segments)},
                "target": {"path": tgt.path, "sha256": tgt.sha256, "sentences": len(tgt.segments)},
            },
            ensure_ascii=False,
        ) + "\n"
    else:
        rows = []
        for b in beads:
            s_text = " ".join(src.segments[i].text for i in b.source)
            t_text = "".join(tgt.segments[j].text for j in b.target)
            ids = ",".join(map(str, b.source)) + ":" + ",".join(map(str, b.target))
            rows.append("\t".join([ids, "" if b.score is None else f"{b.score:.3f}", _tsv(s_text), _tsv(t_text)]))
        text = "\n".join(rows) + "\n"
    _emit(args.output, text)
    return EXIT_OK


def _knowledge(args: argparse.Namespace) -> int:
    from pathlib import Path

    if args.knowledge_command == "info":
        from audit.knowledge import load

        kb = load(args.index)
        for key, value in sorted(kb.describe().items()):
            sys.stdout.write(f"{key}: {value}\n")
        sys.stdout.write(f"signature: {kb.signature()}\n")
        return EXIT_OK
    from audit.knowledge.build import KINDS, build

    tty = sys.stderr.isatty()

    def progress(stats: Any) -> None:
        if tty:
            sys.stderr.write(f"\r{stats.entities} entities read, {stats.kept} kept")

    output = Path(args.output)
    stats = build(Path(args.dump), output, kinds=None if args.all_kinds else KINDS, progress=progress)
    if tty:
        sys.stderr.write("\n")
    size = output.stat().st_size
    sys.stderr.write(f"audit: {stats.describe()}; index {output} ({size / 1e6:.1f} MB)\n")
    return EXIT_OK


def _emit(output: str | None, text: str) -> None:
    """A report goes to ``output`` atomically, or to stdout."""
    if output:
        from audit.io.atomic import write_atomic

        write_atomic(Path(output), text)
    else:
        sys.stdout.write(text)


def _tsv(text: str) -> str:
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _rules() -> int:
    from audit.checks.base import all_rules

    for r in all_rules():
        needs = f"  [needs {', '.join(sorted(r.needs))}]" if r.needs else ""
        sys.stdout.write(f"{r.code:<8} {r.severity.value:<8} {r.name:<28} {r.summary}{needs}\n")
    return EXIT_OK


def _rule(code: str) -> int:
    import difflib

    from audit.checks.base import REGISTRY, rule_text

    text = rule_text(code)
    if text is None:
        near = difflib.get_close_matches(code.upper(), list(REGISTRY), n=1)
        hint = f"; did you mean {near[0]}?" if near else "; see 'audit rules'"
        _err(f"unknown check code '{code}'{hint}")
        return EXIT_USAGE
    sys.stdout.write(text)
    return EXIT_OK


def _config(args: argparse.Namespace) -> int:
    from audit.config import resolve

    cfg = resolve(config_path=args.config)
    for key, value in cfg.describe().items():
        sys.stdout.write(f"{key} = {value!r}  # {cfg.origins.get(key, 'default')}\n")
    return EXIT_OK


class _Progress:
    """A one-line progress display on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self._shown = False

    def __call__(self, message: str) -> None:
        sys.stderr.write(f"\r\x1b[2Kaudit: {message}…")
        sys.stderr.flush()
        self._shown = True

    def done(self) -> None:
        if self._shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
