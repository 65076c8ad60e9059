"""Executes a notebook headless with nbclient on a given kernel and writes the result.

Usage: run_notebook.py SOURCE TARGET KERNEL [FOLDER]
FOLDER: the folder the kernel starts in (as Jupyter starts it in the notebook's folder).
Cells tagged "raises-exception" may fail; any other failing cell fails the run.
"""
import sys

import nbformat
from nbclient import NotebookClient

source, target, kernel = sys.argv[1:4]
folder = sys.argv[4] if len(sys.argv) > 4 else None
nb = nbformat.read(source, as_version=4)
resources = {"metadata": {"path": folder}} if folder else {}
NotebookClient(nb, kernel_name=kernel, timeout=180, allow_errors=False, resources=resources).execute()
nbformat.write(nb, target)
