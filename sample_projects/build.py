"""Build the sample project from sample_projects/bsb_demo/: python sample_projects/build.py OUT.sitat"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.cli import main  # noqa: E402

if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python sample_projects/build.py OUT.sitat", file=sys.stderr)
        raise SystemExit(2)
    from app.core.sample import build_sample

    build_sample(Path(sys.argv[1])).close()
    raise SystemExit(main(["summary", sys.argv[1]]))
