"""python -m qa ask|search|check|docs: question, search and check the indexed letters."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from index.errors import IndexError_
from ofsted_qa.settings import InvalidSettings, Settings, default_index_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qa", description="Ask, search and check Ofsted letters.")
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name: str, help_text: str, takes_text: bool = True):
        p = commands.add_parser(name, help=help_text)
        p.add_argument("--index", default=None,
                       help=f"index folder or postgresql:// address (default: {default_index_dir()})")
        p.add_argument("--json", action="store_true", help="print JSON (one line per input with --batch)")
        if takes_text:
            p.add_argument("text", nargs="?", help="the question, query or text")
            p.add_argument("--batch", type=Path, help="JSON-lines file: one question/claim per line")
            p.add_argument("--council", action="append", default=[], help="only letters about this council")
            p.add_argument("--type", dest="doc_type", action="append", default=[],
                           help="only this document type (focused_visit, monitoring_visit, ilacs_inspection, ...)")
            p.add_argument("--from", dest="date_from", help="only documents dated on or after (YYYY-MM-DD)")
            p.add_argument("--to", dest="date_to", help="only documents dated on or before (YYYY-MM-DD)")
            p.add_argument("--source", choices=["official", "press"], action="append", default=[],
                           help="only official letters or press articles")
        return p

    ask = add("ask", "answer a question with cited sentences")
    ask.add_argument("--answerer", choices=["extractive", "generative"], default=None,
                     help="extractive (default: the letters' sentences) or generative (a chat model writes, verified)")
    ask.add_argument("--llm-provider", choices=["openai", "ollama"], help="OpenAI-compatible endpoint or Ollama")
    ask.add_argument("--llm-base-url", help="e.g. http://127.0.0.1:8080/v1 (or $OFSTED_QA_LLM_BASE_URL)")
    ask.add_argument("--llm-model", help="model name (or $OFSTED_QA_LLM_MODEL)")
    ask.add_argument("--unsupported", choices=["drop", "flag"], help="drop unsupported written sentences, or flag them")
    add("search", "ranked passages for a query").add_argument("--k", type=int, default=10, help="passages to return")
    check = add("check", "check claims (one per --batch line) or the claims found in a text")
    check.add_argument("--doc", help="check the claims of an indexed article, by its id")
    check.add_argument("--report", choices=["md", "csv"], help="print an article report as Markdown or CSV")
    add("docs", "list the indexed documents", takes_text=False)
    args = parser.parse_args(argv)

    from index.index import Index

    try:
        index = Index.open(args.index or default_index_dir(), Settings())
    except (IndexError_, InvalidSettings) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if index.consistency is not None and not index.consistency.ok:
        print(f"warning: {index.consistency.describe(index.location)}", file=sys.stderr)
    with index:
        if args.command == "docs":
            return _docs(index, args)
        inputs = _inputs(args)
        if inputs is None:
            return 2
        from qa.service import QA

        qa = QA(index)
        if args.command == "ask":
            from qa.llm import ModelUnavailable

            try:
                qa.answerer = qa.make_answerer(_llm_settings(args))
            except ModelUnavailable as e:
                print(f"error: {e}", file=sys.stderr)
                return 2
        filters = _filters(args)
        for line in inputs:
            print(_run(qa, args, line, filters), flush=True)
    return 0


def _inputs(args) -> list[str] | None:
    if args.batch:
        try:
            lines = args.batch.read_text(encoding="utf-8").splitlines()
        except OSError as e:
            print(f"error: cannot read {args.batch}: {e.strerror}", file=sys.stderr)
            return None
        items = []
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                print(f"error: {args.batch} line {n}: not JSON ({e.msg})", file=sys.stderr)
                return None
            text = record.get("question") or record.get("claim") or record.get("query") or record.get("text")
            if not isinstance(text, str):
                print(f"error: {args.batch} line {n}: needs a 'question' or 'claim' field", file=sys.stderr)
                return None
            items.append(text)
        return items
    if getattr(args, "doc", None):
        return [args.doc]
    if args.text is None:
        print("error: give the text as an argument or --batch FILE", file=sys.stderr)
        return None
    if not args.text.strip():
        print("error: the text is empty; give a question, query or claim", file=sys.stderr)
        return None
    return [args.text]


def _llm_settings(args) -> Settings:
    """Settings with the answerer and model flags over the environment's."""
    from dataclasses import replace

    chosen = {"answerer": args.answerer, "llm_provider": args.llm_provider, "llm_base_url": args.llm_base_url,
              "llm_model": args.llm_model, "llm_unsupported": args.unsupported}
    return replace(Settings(), **{k: v for k, v in chosen.items() if v is not None})


def _filters(args):
    from index.index import Filters
    from ingest.authorities import canonical_authority

    return Filters(
        local_authorities=tuple(canonical_authority(c) or c for c in args.council),
        doc_types=tuple(args.doc_type),
        date_from=args.date_from,
        date_to=args.date_to,
        source_kinds=tuple(args.source),
    )


def _run(qa, args, text: str, filters) -> str:
    from qa import jsonio, render

    if args.command == "ask":
        answer = qa.ask(text, filters)
        return json.dumps(jsonio.answer_json(answer), ensure_ascii=False) if args.json else render.answer_text(answer)
    if args.command == "search":
        query, hits = qa.search(text, args.k, filters)
        if args.json:
            return json.dumps(jsonio.search_json(text, hits, query.scope.describe(), query.loosened),
                              ensure_ascii=False)
        return render.scope_text(query.scope.describe(), query.loosened, bool(hits)) + render.hits_text(hits)
    if args.doc:
        from qa.check import check_document

        doc = qa.index.document(args.doc)
        if doc is None:
            return f"error: no indexed document {args.doc!r}; `python -m qa docs` lists them"
        verdicts = check_document(qa, doc)
    else:
        verdicts = qa.check(text, single_claim=bool(args.batch))
    if args.report:
        from qa import report

        title = qa.index.document(args.doc).meta.title if args.doc else "Claims checked"
        return report.to_markdown(verdicts, title) if args.report == "md" else report.to_csv(verdicts)
    if args.json:
        return json.dumps({"claims": [jsonio.verdict_json(v) for v in verdicts]}, ensure_ascii=False)
    return render.verdicts_text(verdicts)


def _docs(index, args) -> int:
    from qa import jsonio, render

    docs = index.documents()
    for doc in docs:
        print(json.dumps(jsonio.document_json(doc), ensure_ascii=False) if args.json else render.document_line(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
