"""The terminal: local chat mode, import, export."""
