"""How the advisor answers the field set: messages written apart from its training data.

There is one field set per language, tests/field/<language>.yml (``--language``, English by
default); a conversation of a language other than English has the slot ``language`` set before
its first message, as the website's language switch sets it, so the bot answers in it. Each
message is sent through the real Rasa server and action server (the
harness of :mod:`harness.advisor`) in a fresh conversation that is first put into the message's
context, and the reply is judged from Rasa's tracker by what the bot did: the actions that ran
after the message, the slots they set and the responses they sent (``utter_action`` of each bot
event). What fits each kind of expectation is in :func:`bench.field_set.judge.fits`; the file and
its checks are read by :mod:`bench.field_set.schema`, the servers driven by
:mod:`bench.field_set.run`.

A context is reached once, in a template conversation, with the button and form payloads a client
could send (``/start_onboarding``, ``/inform{"choice": "retirement"}``, ``/inform{"age": 40}``);
each message then gets a new conversation holding a copy of the template's events (Rasa's
``PUT /conversations/<id>/tracker/events``), so 60 messages at the same question cost one
onboarding. A reply is a **dead end** when it holds a fallback (``utter_default``, not understood,
or ``utter_out_of_scope``, can't help, unless that was the fitting reply) with no buttons, or the
same fallback twice in a row.

The report is a Markdown table by topic and by kind of expectation (messages, fitting replies, their
share, dead ends) on stdout, and every message's result (intent, actions, responses, slots set, why
it missed) in artifacts/field-set.json (artifacts/field-set-<language>.json for another
language); the report's first line names the file and its language.

Run: ``.venv/bin/python -m bench.field_set [--language zh] [--limit N] [--topic T]`` (needs
models/advisor.tar.gz).
"""
