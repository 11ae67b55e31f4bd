"""CORE. Consultation desk, employee care and repeat offenders: pure rules with no I/O.

Modules: `calendar` (Japanese working days), `timelimits` (reply deadlines), `reportkey`
(anonymous report key + passphrase), `identifiers` (normalisation for matching),
`deterrence` (thresholds and proposed steps as data), `anonymise` (case studies),
`crypto` (field-level encryption), `care` (support kinds and follow-ups), `letters`.
"""
