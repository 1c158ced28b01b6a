"""The setup-check lesson runs in a real JupyterLab and prints its verdict."""

import pytest

from tests.e2e._browser import open_and_run_all
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def test_setup_check_runs_all_cells_in_jupyterlab(lab, page):
    open_and_run_all(page, lab, "00_setup_check.ipynb")
    outputs = " ".join(page.locator(".jp-OutputArea-output").all_inner_texts())
    assert "torch and lookup_lib agree bit for bit: True" in outputs
    page.screenshot(path=str(ARTIFACTS / "00_setup_check-lab.png"), full_page=True)
