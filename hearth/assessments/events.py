"""Events about assessments that higher apps act on (registered in their `AppConfig.ready()`)."""

from hearth.core.hooks import Hook

# An assessment was completed: the plan may have been waiting for it (`actor`, `episode`).
assessment_completed = Hook("an assessment was completed", expects=("plans",))
