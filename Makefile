# Two commands for a fresh machine with Python >= 3.10:
#   make lab    set everything up, open the lessons in JupyterLab
#   make test   set everything up, run the whole test suite (library, doctests, lessons)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test test-fast lint notebooks student thumbnails bench clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

test: $(STAMP)
	$(BIN)/python -m ruff check lookup_lib tests tools benchmarks
	$(BIN)/python -m pytest -n 2 --dist loadfile

# library tests only (no notebooks): quick feedback while editing lookup_lib
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile tests lookup_lib

lint: $(STAMP)
	$(BIN)/python -m ruff check lookup_lib tests tools benchmarks

# re-execute every lesson on a fresh kernel and store its outputs (after editing a lesson)
notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py

# regenerate notebooks/student/ from the teacher notebooks (solutions become stubs)
student: $(STAMP)
	$(BIN)/python tools/make_student.py

# README thumbnails from each lesson's own stored figures
thumbnails: $(STAMP)
	$(BIN)/python tools/make_thumbnails.py

# ratio benchmarks: lookup_lib vs torch vs a plain copy (writes benchmarks/results-cpu.md and .json)
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
