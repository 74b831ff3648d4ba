# Kernels of a site build (tools/build_site.py copies this into their IPython start-up folder): progress bars
# as text on stdout instead of Jupyter widgets, because a static page shows a widget only through JavaScript
# from a CDN and would show the bar at 0 %. The lessons' code cells are unchanged.
import sys

import tqdm.auto
import tqdm.std


class TextProgress(tqdm.std.tqdm):
    def __init__(self, *args, file=None, **kwargs):
        super().__init__(*args, file=file or sys.stdout, **kwargs)


tqdm.auto.tqdm = TextProgress
