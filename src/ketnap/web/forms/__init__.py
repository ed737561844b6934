"""The web forms, a module per domain; common.py holds the pieces they share (dates typed dd/mm/yyyy)."""
