# Two commands for a fresh machine with Python >= 3.11:
#   make lab    set everything up, open the student lessons in JupyterLab (make lab-teacher: with solutions)
#   make test   set everything up, run the whole test suite (library, doctests, lessons)
# 中文版: make lab-zh (README.zh.md)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab lab-zh lab-teacher site test test-fast lint notebooks translate student thumbnails bench clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# JupyterLab serves notebooks/ and opens a lesson: as root (a container) it needs --allow-root, and with
# no display (a server, WSL without X) it must not try to start a browser: it prints the address instead.
# LAB_ARGS adds options, e.g. `make lab LAB_ARGS="--port=8890"`.
LAB_ARGS  ?=
LAB_FLAGS := --ServerApp.root_dir=notebooks \
             $(if $(filter 0,$(shell id -u)),--allow-root) \
             $(if $(DISPLAY)$(WAYLAND_DISPLAY),,--no-browser)

# the student versions (exercises to write); solutions stay one solution("name") away
lab: $(STAMP)
	@echo "Opening student/00_setup_check.ipynb, the lessons with exercises to write (with solutions: make lab-teacher)"
	@$(if $(DISPLAY)$(WAYLAND_DISPLAY),,echo "No display: open the address JupyterLab prints below in a browser, then student/00_setup_check.ipynb")
	$(BIN)/jupyter lab $(LAB_FLAGS) $(LAB_ARGS) notebooks/student/00_setup_check.ipynb

# 中文版: the Chinese edition's student versions (notebooks/zh/student/; with solutions: notebooks/zh/)
lab-zh: $(STAMP)
	@echo "正在打开 zh/student/00_setup_check.ipynb (中文版, 练习留给你来写; 带参考答案的版本在 zh/)"
	@$(if $(DISPLAY)$(WAYLAND_DISPLAY),,echo "没有图形界面: 请在浏览器中打开下面 JupyterLab 打印的地址, 然后打开 zh/student/00_setup_check.ipynb")
	$(BIN)/jupyter lab $(LAB_FLAGS) $(LAB_ARGS) notebooks/zh/student/00_setup_check.ipynb

# the teacher versions in notebooks/, every solution filled in
lab-teacher: $(STAMP)
	$(BIN)/jupyter lab $(LAB_FLAGS) $(LAB_ARGS) notebooks/00_setup_check.ipynb

# a static HTML site of the executed lessons in site/ (offline; widgets as their stored pictures)
site: $(STAMP)
	$(BIN)/python tools/make_site.py

test: $(STAMP)
	$(BIN)/python -m ruff check lookup_lib tests tools benchmarks
	$(BIN)/python tools/translate.py --check  # the Chinese edition: complete, current, built
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder

# about a minute: the reference against torch, every doctest, the layout rules, the kit and the checkers'
# guards; no notebook, browser, nbgrader or lesson training (those are in `make test`)
FAST := tests/reference lookup_lib tests/test_layout.py tests/test_scheduling.py tests/lessons/test_kit.py \
        tests/lessons/test_exercises_guards.py
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not slow and not e2e" $(FAST)

lint: $(STAMP)
	$(BIN)/python -m ruff check lookup_lib tests tools benchmarks

# re-execute every lesson (both editions) on a fresh kernel and store its outputs (after editing a lesson)
notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py notebooks/[0-9][0-9]_*.ipynb notebooks/zh/[0-9][0-9]_*.ipynb

# the Chinese edition from the English lessons and notebooks/zh/translations/ (then: make notebooks student)
translate: $(STAMP)
	$(BIN)/python tools/translate.py

# regenerate notebooks/student/ and notebooks/zh/student/ from the teacher notebooks (solutions become stubs)
student: $(STAMP)
	$(BIN)/python tools/make_student.py

# README thumbnails from each lesson's own stored figures
thumbnails: $(STAMP)
	$(BIN)/python tools/make_thumbnails.py

# ratio benchmarks: lookup_lib vs torch vs a plain copy (writes benchmarks/results-cpu.md and .json)
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis site
