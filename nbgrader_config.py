"""nbgrader configuration: this repository is also an nbgrader course directory.

`nbgrader generate_assignment <slug>` turns source/<slug>/<slug>.ipynb into release/<slug>/<slug>.ipynb,
and `nbgrader autograde <slug>` grades submitted/<student>/<slug>/<slug>.ipynb, as on a JupyterHub.
`taller build` and `taller grade` drive the same steps with this same configuration.
"""

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.root = "."
c.CourseDirectory.course_id = "taller-ml-tensorflow"

# Student stub: Spanish, and it raises so that an untouched answer cannot pass.
c.ClearSolutions.code_stub = {
    "python": "# ESCRIBE TU CÓDIGO AQUÍ\n"
              "raise NotImplementedError(\"Pregunta sin responder: escribe tu código en esta celda y vuelve a ejecutarla.\")"
}
c.ClearSolutions.text_stub = "ESCRIBE TU RESPUESTA AQUÍ"

# Training cells take longer than nbgrader's 30 s default; a cell that runs past the limit is
# interrupted and grading goes on with the next cell.
c.Execute.timeout = 300
c.Execute.interrupt_on_timeout = True

# Same release from every route: nbgrader's own steps, then otter's per-question metadata, then
# check cells collapsed under a title, a failed check shown as one ✘ line (taller/student_checks.py).
# (`taller build` runs this same generate_assignment; formgrader's Generate button does too.)
from nbgrader.converters import GenerateAssignment, GenerateFeedback  # noqa: E402

c.GenerateAssignment.preprocessors = [*GenerateAssignment.class_traits()["preprocessors"].default(),
                                      "taller.nbgrader_hooks.TagOtterChecks", "taller.nbgrader_hooks.ColabBadge",
                                      "taller.student_checks.OneLineChecks"]

# "Abrir en Colab" badges: set the course's GitHub repository ("owner/name") once, then `taller build`.
# Students then open release/<slug>/<slug>.ipynb of that branch on Colab. Empty: no badge.
c.ColabBadge.repository = ""
c.ColabBadge.branch = "main"

# Feedback pages (generate_feedback, formgrader's "Generate Feedback") never show hidden tests,
# reference helpers or their tracebacks: only the visible part of each test cell and the message.
c.GenerateFeedback.preprocessors = [*GenerateFeedback.class_traits()["preprocessors"].default(),
                                    "taller.nbgrader_hooks.HideHiddenTests"]
