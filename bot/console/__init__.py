"""The staff console: conversations, transcripts, review, exports, handoffs, overview, staff."""
