"""``python -m gankit.data``: which datasets this machine has, and fetch the ones gankit can download.

    python -m gankit.data list                      every set: found where, or how to get it
    python -m gankit.data get mnist fashion_mnist   download (or find) sets, through the loaders

Exit status 0 when all went well, 2 when a name is unknown or a set could not be had (the message
says why and how to fix it).
"""

import argparse
import sys

from gankit.data import registry
from gankit.data.errors import DatasetError
from gankit.data.sources import offline

COMMAND = "python -m gankit.data"


def _status(entry):
    where = registry.locate(entry.name)
    if where is not None:
        return f"found: {where}"
    if entry.hint is None:
        return f"not found — `{COMMAND} get {entry.name}` downloads it"
    return f"not found — {entry.hint}"


def list_sets():
    sets = [registry.REGISTRY[name] for name in registry.names()]
    for entry in sets:
        print(f"{entry.name:<15} {entry.family:<17} {_status(entry)}")
    print()
    print("and your own files:")
    for prefix in registry.prefixes():
        entry = registry.REGISTRY[prefix]
        print(f"  {prefix + entry.hint.split(':')[0]:<30} {entry.family:<9} {entry.hint.split(': ', 1)[1]}")
    return 0


def _check(name):
    """The registered set ``name``, or a DatasetError listing the names."""
    entry, _ = registry.lookup(name)
    if entry.prefix:
        raise DatasetError(f"{name!r} reads your own files, there is nothing to get; `{COMMAND} get` takes the "
                           f"name of a set: {', '.join(registry.names())}.")
    return entry


def _get_one(entry):
    """Fetch ``entry``'s set through its loader; a one-paragraph DatasetError when that cannot be done."""
    name = entry.name
    if entry.hint is not None and registry.locate(name) is None:
        raise DatasetError(f"{name!r} is not on this machine and gankit cannot download it: {entry.hint}.")
    for split in entry.splits:
        registry.load(name, split=split, batch_size=1, shuffle=False, drop_remainder=False)
    return registry.locate(name) or "ready"


def get(names):
    try:
        entries = [_check(name) for name in names]
    except DatasetError as err:
        print(f"{COMMAND} get: {err}", file=sys.stderr)
        return 2
    status = 0
    for entry in entries:
        name = entry.name
        try:
            print(f"{name}: {_get_one(entry)}")
        except DatasetError as err:
            note = (" Offline mode is on (GANKIT_OFFLINE): unset it, or set GANKIT_OFFLINE=0, to let gankit "
                    "download." if offline() else "")
            print(f"{COMMAND} get {name}: {err}{note}", file=sys.stderr)
            status = 2
    return status


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog=COMMAND, description="See which gankit datasets this machine has, and get the ones gankit can "
        "download (into Keras' cache). Sets are looked for under $GANKIT_DATA first.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every dataset: its family, where it was found, or how to get it")
    getter = commands.add_parser("get", help="download (or find) datasets through gankit's loaders")
    getter.add_argument("names", nargs="+", metavar="NAME", help="dataset names, as `list` shows them")
    args = parser.parse_args(argv)
    return list_sets() if args.command == "list" else get(args.names)


if __name__ == "__main__":
    sys.exit(main())
