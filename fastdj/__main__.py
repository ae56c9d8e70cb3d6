"""``python -m fastdj <command>``: see fastdj.core.management."""

import sys

from fastdj.core.management import main

if __name__ == "__main__":
    sys.exit(main(["python -m fastdj", *sys.argv[1:]]))
