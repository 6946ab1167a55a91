"""Copy the README's gallery (docs/screenshots/) out of an end-to-end run's screenshots, scaled for reading.

Run by `make screenshots`, which runs the clearance tests with their screenshots in a temporary folder first."""

import sys
from pathlib import Path

from PIL import Image

WIDTH = 960
# gallery name -> (test folder, step file name without its number)
PICTURES = {
    "01-declaration-form": ("test_clearance_in_the_browser_verify_", "declaration-form-filled"),
    "02-declaration-mode": ("test_clearance_in_the_browser_verify_", "declarant-sees-mode-zh"),
    "03-officer-queue": ("test_clearance_in_the_browser_sample_", "officer-queue-zh"),
    "04-inspection-task": ("test_clearance_in_the_browser_supervised_", "officer-task-zh"),
    "05-release-en": ("test_clearance_in_the_browser_verify_", "declarant-release-en"),
    "06-public-trace": ("test_clearance_in_the_browser_verify_", "public-trace-page-zh"),
    "07-supervisor-dashboard": ("test_clearance_in_the_browser_verify_", "supervisor-dashboard-zh"),
}


def main(shots: Path, gallery: Path) -> None:
    gallery.mkdir(parents=True, exist_ok=True)
    for name, (folder, step) in PICTURES.items():
        found = sorted((shots / folder).glob(f"[0-9][0-9]-{step}.png"))
        if not found:
            raise SystemExit(f"no screenshot {step} in {shots / folder}")
        image = Image.open(found[0]).convert("RGB")
        # The top of a long page is what a reader looks at first.
        image = image.crop((0, 0, image.width, min(image.height, int(image.width * 1.25))))
        image = image.resize((WIDTH, round(image.height * WIDTH / image.width)), Image.LANCZOS)
        # A page's flat colours fit a 256-colour palette: a third of the size, no visible loss.
        image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        image.save(gallery / f"{name}.png", optimize=True)
        print(gallery / f"{name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
