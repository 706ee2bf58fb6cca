"""The parts of the episode page that the journey apps contribute, in page order (registered in their
`AppConfig.ready()`). One slot, `journey`: the assessment, the outcome scores, the plan and meetings, the
requests for support."""

from hearth.core.hooks import Hook

episode_page = Hook("panels on the episode page", expects=("assessments", "outcomes", "plans", "referrals"))
