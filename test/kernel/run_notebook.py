"""Executes a notebook headless with nbclient on a given kernel and writes the result."""
import sys

import nbformat
from nbclient import NotebookClient

source, target, kernel = sys.argv[1:4]
nb = nbformat.read(source, as_version=4)
NotebookClient(nb, kernel_name=kernel, timeout=180, allow_errors=False).execute()
nbformat.write(nb, target)
