"""Use cases on the store: keyword-only functions, one module per concept (Dispatch style).

Services flush but do not commit: the caller (a web view, a CLI command) owns the transaction,
so a use case and its audit rows commit together or not at all.
"""
