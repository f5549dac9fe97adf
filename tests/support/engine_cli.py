"""The engine's command line run in-process, as the CLI tests call it."""

from __future__ import annotations

from engine.__main__ import main


def run(capsys, *argv) -> tuple[int, str, str]:
    """Run ``python -m engine`` with ``argv``: its exit code, standard output and error."""
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse's own errors
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err
