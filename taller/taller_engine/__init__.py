"""The taller engine: the hidden tests judged outside the student's kernel (docs/engine-taller.md).

One module per room of the boundary:

- `runner.py`, the runner, in the engine sandbox (trusted): executes the notebook, starts the
  verdict process and relays commands; it alone writes the verdict, and it decodes no kernel data.
- `verdict.py`, the verdict process, in a sandbox of its own (trusted, never runs student code):
  holds the hidden tests and judges plain data; the kernel's names stay names.
- `probe.py`, in the student's kernel (untrusted): answers the verdict's requests with plain data.
- `wire.py`, the wire format both sides use: the verdict imports it, the kernel receives its source.
"""
