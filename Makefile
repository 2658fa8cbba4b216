# Two commands do all the set-up:  `make demo`  and  `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1

.PHONY: install demo test bench clean

$(BIN)/progdb: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, pinned: pip takes the CPU build from this machine's disk; anything else pulls CUDA.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/progdb

demo: install
	$(BIN)/progdb query "what is the plural of mouse?"
	$(BIN)/progdb query "past tense of go"
	$(BIN)/progdb query "rewrite the following poem in the style of Shakespeare: The sun is out, the sky is blue, I wrote this little song for you"
	# exit status 1 is the honest "no program" this prompt should get, not a failed demo
	$(BIN)/progdb query "what's the weather in Oslo" || test $$? -eq 1

test: install
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) build *.egg-info
