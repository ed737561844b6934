"""The legal rules of party-member development, as pure Python: dates in, verdicts out.

No Django import anywhere in this package (tests/test_rules_purity.py enforces it). Every finding cites its
source (document and clause) so the interface can show "why"; rules are versioned by effective date and a
step is judged by the rules in force on the date of that step (ketnap.rules.sources).
"""
