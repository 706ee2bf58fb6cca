from hearth.core.hooks import Hook

# Called with the Message once it is sent, or once sending it has been given up: the app that owns the record it
# is about (`about_type`) records the real outcome (the information-sharing register).
SENT = Hook("outbox.sent", expects=("sharing",))
